import { describe, expect, it } from 'vitest'
import { isDocumented, locate } from './openapi'

// Which documented operation answers a concrete request, as the fuzz test's status check asks it.
const doc = {
  paths: {
    '/api/users/{user_id}/chats/{chat_id}/files/uploads': { post: { operationId: 'createUpload', responses: { 201: {}, 404: {}, 405: {} } } },
    '/api/users/{user_id}/chats/{chat_id}/files/{file_id}': { delete: { operationId: 'deleteChatFile', responses: { 204: {}, 400: {}, 405: {} } } },
    '/api/users/{user_id}/chats/{chat_id}/files': { get: { operationId: 'getChatFiles', responses: { 200: {}, 405: {} } }, post: { operationId: 'uploadChatFiles', responses: { 201: {}, 405: {} } } },
  },
}

describe('locate', () => {
  it('prefers a static segment, and falls back to a parameter where the static route lacks the method (as h3 does)', () => {
    expect(locate(doc, 'POST', '/api/users/u/chats/1/files/uploads')?.operation?.operationId).toBe('createUpload')
    expect(locate(doc, 'DELETE', '/api/users/u/chats/1/files/uploads')?.operation?.operationId).toBe('deleteChatFile')
    expect(locate(doc, 'HEAD', '/api/users/u/chats/1/files')?.operation?.operationId).toBe('getChatFiles')
    const put = locate(doc, 'PUT', '/api/users/u/chats/1/files/uploads')
    expect(put?.operation).toBeUndefined()
    expect(put?.siblings.map(op => op.operationId)).toEqual(['createUpload', 'deleteChatFile'])
    expect(locate(doc, 'GET', '/api/users/u/chats/1/files/1/extra')).toBeUndefined()
  })
})

describe('isDocumented', () => {
  it('is true only for a status listed on the operation that answers, or a 405 every operation of the path lists', () => {
    expect(isDocumented(doc, 'DELETE', '/api/users/u/chats/1/files/uploads', 400).documented).toBe(true)
    expect(isDocumented(doc, 'POST', '/api/users/u/chats/1/files/uploads', 400)).toEqual({ documented: false, name: 'POST /api/users/{user_id}/chats/{chat_id}/files/uploads' })
    expect(isDocumented(doc, 'GET', '/api/users/u/chats/1/files', 404).documented).toBe(false)
    expect(isDocumented(doc, 'PATCH', '/api/users/u/chats/1/files/uploads', 405).documented).toBe(true)
    expect(isDocumented(doc, 'PATCH', '/api/users/u/chats/1/files/uploads', 415).documented).toBe(false)
    expect(isDocumented(doc, 'GET', '/api/nothing/here', 404).documented).toBe(true)
  })
})
