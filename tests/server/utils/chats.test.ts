import { describe, expect, it } from 'vitest'
import type { StoredChatFile } from '../../../server/utils/chats'
import { chatBody, chatRouteParams, idParam, toChatFile, userIdParam } from '../../../server/utils/chats'

describe('idParam', () => {
  it.each([
    ['1', 1],
    ['42', 42],
    ['2147483647', 2147483647],
  ])('accepts %j as the number %d', (input, id) => {
    expect(idParam.parse(input)).toBe(id)
  })

  it.each([
    '0', '-1', '+1', '01', '1.5', '1e3', '0x10', ' 1', '1 ', '', '2147483648', '9999999999', '99999999999', 'abc', '1a', '١',
  ])('rejects %j', (input) => {
    expect(idParam.safeParse(input).success).toBe(false)
  })

  it('says why an id is rejected', () => {
    expect(idParam.safeParse('abc').error?.issues.map(i => i.message)).toEqual(['must be a positive integer'])
    expect(idParam.safeParse('2147483648').error?.issues.map(i => i.message)).toEqual(['is out of range'])
  })
})

describe('userIdParam', () => {
  it('accepts 1 to 64 characters', () => {
    expect(userIdParam.parse('u')).toBe('u')
    expect(userIdParam.parse('x'.repeat(64))).toBe('x'.repeat(64))
  })

  it('rejects an empty id and 65 characters', () => {
    expect(userIdParam.safeParse('').success).toBe(false)
    expect(userIdParam.safeParse('x'.repeat(65)).success).toBe(false)
  })
})

describe('chatRouteParams', () => {
  it('parses both route parameters, the chat id to a number', () => {
    expect(chatRouteParams.parse({ user_id: 'user-1', chat_id: '7' })).toEqual({ user_id: 'user-1', chat_id: 7 })
  })

  it('rejects a bad chat id or a missing user id, naming the parameter', () => {
    expect(chatRouteParams.safeParse({ user_id: 'user-1', chat_id: '07' }).error?.issues.map(i => i.path)).toEqual([['chat_id']])
    expect(chatRouteParams.safeParse({ chat_id: '7' }).error?.issues.map(i => i.path)).toEqual([['user_id']])
  })
})

describe('toChatFile', () => {
  const row: StoredChatFile = {
    id: 11,
    chatConversationId: 3,
    name: 'Über café.pdf',
    size: 9_007_199_254_740_991n,
    type: 'application/pdf',
    objectKey: 'chats/3/0b1c',
    createdAt: new Date('2024-05-06T07:08:09.010Z'),
  }

  it('maps a stored row to the contract\'s ChatFile: BigInt size to a number, date to ISO 8601', () => {
    expect(toChatFile(row, 'https://s3.example/x?sig')).toStrictEqual({
      id: 11,
      chat_conversation_id: 3,
      name: 'Über café.pdf',
      size: 9_007_199_254_740_991,
      type: 'application/pdf',
      created_at: '2024-05-06T07:08:09.010Z',
      url: 'https://s3.example/x?sig',
    })
  })

  it('has exactly the contract\'s keys: the object key stays on the server', () => {
    expect(Object.keys(toChatFile(row, 'u')).sort())
      .toEqual(['chat_conversation_id', 'created_at', 'id', 'name', 'size', 'type', 'url'])
  })

  it('gives a plain number for size, which JSON can carry', () => {
    const file = toChatFile({ ...row, size: 0n }, 'u')
    expect(typeof file.size).toBe('number')
    expect(JSON.parse(JSON.stringify(file)).size).toBe(0)
  })
})

describe('chatBody', () => {
  it('trims names and takes 1 to 200 characters', () => {
    expect(chatBody.parse({ name: '  Plans  ' })).toEqual({ name: 'Plans' })
    expect(chatBody.safeParse({ name: '   ' }).success).toBe(false)
    expect(chatBody.safeParse({ name: 'x'.repeat(201) }).success).toBe(false)
  })

  it('refuses a NUL character, which PostgreSQL text cannot store (found by the fuzz test)', () => {
    const result = chatBody.safeParse({ name: 'a\u0000b' })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.message).toBe('must not contain NUL characters')
  })
})
