import { readFileSync } from 'node:fs'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { z } from 'zod'
import type * as Api from '../../../shared/types/api'
import { apiSchemas } from '../../../server/utils/api-schemas'

// The wire types' zod schemas (the OpenAPI document's components) against the interfaces of
// shared/types/api.ts, the contract's own text. The equalities are checked by the type checker
// (`npm run typecheck` covers tests/): a field added, dropped, renamed or retyped on either side fails it.

type Inferred<K extends keyof typeof apiSchemas> = z.infer<(typeof apiSchemas)[K]>

describe('apiSchemas', () => {
  it('infer exactly the interfaces of shared/types/api.ts', () => {
    expectTypeOf<Inferred<'ChatFile'>>().toEqualTypeOf<Api.ChatFile>()
    expectTypeOf<Inferred<'GetChatFilesResponse'>>().toEqualTypeOf<Api.GetChatFilesResponse>()
    expectTypeOf<Inferred<'ApiError'>>().toEqualTypeOf<Api.GetChatFilesError>()
    expectTypeOf<Inferred<'ApiError'>>().toEqualTypeOf<Api.ApiError>()
    expectTypeOf<Inferred<'Chat'>>().toEqualTypeOf<Api.Chat>()
    expectTypeOf<Inferred<'ChatSummary'>>().toEqualTypeOf<Api.ChatSummary>()
    expectTypeOf<Inferred<'GetChatsResponse'>>().toEqualTypeOf<Api.GetChatsResponse>()
    expectTypeOf<Inferred<'ChatResponse'>>().toEqualTypeOf<Api.ChatResponse>()
    expectTypeOf<Inferred<'UploadChatFilesResponse'>>().toEqualTypeOf<Api.UploadChatFilesResponse>()
    expectTypeOf<Inferred<'ChatFileResponse'>>().toEqualTypeOf<Api.ChatFileResponse>()
    expectTypeOf<Inferred<'UploadTicket'>>().toEqualTypeOf<Api.UploadTicket>()
    expectTypeOf<Inferred<'CreateUploadResponse'>>().toEqualTypeOf<Api.CreateUploadResponse>()
    expectTypeOf<Inferred<'UploadLimitsResponse'>>().toEqualTypeOf<Api.UploadLimitsResponse>()
    expectTypeOf<Inferred<'PublicUser'>>().toEqualTypeOf<Api.PublicUser>()
    expectTypeOf<Inferred<'AuthResponse'>>().toEqualTypeOf<Api.AuthResponse>()
    expectTypeOf<Inferred<'SessionInfo'>>().toEqualTypeOf<Api.SessionInfo>()
    expectTypeOf<Inferred<'GetSessionsResponse'>>().toEqualTypeOf<Api.GetSessionsResponse>()
    expectTypeOf<Inferred<'RevokedSessionsResponse'>>().toEqualTypeOf<Api.RevokedSessionsResponse>()
  })

  it('cover every interface of shared/types/api.ts, each under the interface\'s name', () => {
    const source = readFileSync(new URL('../../../shared/types/api.ts', import.meta.url), 'utf8')
    const names = [...source.matchAll(/^export (?:interface|type) (\w+)/gm)].map(m => m[1])
    // GetChatFilesError is ApiError's other name (the contract's).
    expect(Object.keys(apiSchemas).sort()).toEqual(names.filter(n => n !== 'GetChatFilesError').sort())
  })

  it('accept the contract\'s example, and not a listing entry missing a field', () => {
    const entry = { id: 1, chat_conversation_id: 123, name: 'document.pdf', size: 1024, type: 'application/pdf', created_at: '2024-03-20T10:00:00Z', url: 'https://storage.example.com/files/document.pdf' }
    expect(apiSchemas.GetChatFilesResponse.parse({ chatFiles: [entry] })).toEqual({ chatFiles: [entry] })
    const { url: _, ...withoutUrl } = entry
    expect(apiSchemas.ChatFile.safeParse(withoutUrl).success).toBe(false)
  })
})
