import { describe, expect, it } from 'vitest'
import { apiRouteTable } from '../../../server/utils/api-routes'

// The shape of Nitro's handler list (#nitro-internal-virtual/server-handlers), as the production build has it.
const handlers = [
  { route: '', middleware: true },
  { route: '/api/**:path' },
  { route: '/api/auth/login', method: 'post' },
  { route: '/api/users/:user_id/chats', method: 'get' },
  { route: '/api/users/:user_id/chats', method: 'post' },
  { route: '/api/users/:user_id/chats/:chat_id/files/uploads', method: 'post' },
  { route: '/api/users/:user_id/chats/:chat_id/files/:file_id', method: 'delete' },
  { route: '/api/anything', method: undefined },
  { route: '/_openapi.json' },
  { route: '/**' },
]

describe('apiRouteTable', () => {
  const table = apiRouteTable(handlers)

  it('gives the methods a path serves, HEAD wherever GET is, sorted', () => {
    expect(table.allowed('/api/auth/login')).toEqual(['POST'])
    expect(table.allowed('/api/users/u1/chats')).toEqual(['GET', 'HEAD', 'POST'])
    expect(table.allowed('/api/users/u1/chats/')).toEqual(['GET', 'HEAD', 'POST'])
  })

  it('merges every route a path matches, as h3\'s router falls back to them', () => {
    // `uploads` is also a :file_id to the router, so DELETE reaches the file route there.
    expect(table.allowed('/api/users/u1/chats/1/files/uploads')).toEqual(['DELETE', 'POST'])
    expect(table.allowed('/api/users/u1/chats/1/files/7')).toEqual(['DELETE'])
  })

  it('knows nothing of unknown paths, catch-alls, pages or routes that serve every method', () => {
    expect(table.allowed('/api/nope')).toBeUndefined()
    expect(table.allowed('/api/users/u1/chats/1/files/7/extra')).toBeUndefined()
    expect(table.allowed('/api/users//chats')).toBeUndefined()
    expect(table.allowed('/api/anything')).toBeUndefined()
    expect(table.allowed('/_openapi.json')).toBeUndefined()
    expect(table.allowed('/login')).toBeUndefined()
  })

  it('treats special characters in routes literally', () => {
    const dotted = apiRouteTable([{ route: '/api/v1.0/x', method: 'get' }])
    expect(dotted.allowed('/api/v1.0/x')).toEqual(['GET', 'HEAD'])
    expect(dotted.allowed('/api/v1x0/x')).toBeUndefined()
  })

  it('answers the same when asked again (answers are remembered)', () => {
    expect(table.allowed('/api/auth/login')).toEqual(['POST'])
    expect(table.allowed('/api/nope')).toBeUndefined()
  })
})
