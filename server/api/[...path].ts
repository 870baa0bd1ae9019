// OpenAPI (served at /_openapi.json, rendered by pages/api-reference.vue). This route spans all of /api,
// so it holds the components every route refers to, once: Nitro merges each route's `$global` into the
// document's `components`. A build-time macro: the argument must stay a plain literal (no variables,
// spreads, template strings or concatenation), or Nitro silently drops that part of it.
// Nitro's inlined OpenAPI types lack JSON Schema's minLength/maxLength, which OpenAPI 3.1 schemas have:
// `as BoundedString` gets them past the type checker; esbuild strips it before Nitro reads the literal.
type BoundedString = { type: 'string' }

defineRouteMeta({
  openAPI: {
    tags: ['Fallback'],
    operationId: 'unknownApiRoute',
    summary: 'Any other /api path',
    description: 'Paths under /api that no route above matches, with any method, answer 404 in the API\'s error shape instead of an HTML page. Listed because Nitro documents every handler; `path` stands for the rest of the URL, slashes included.',
    parameters: [
      { name: 'path', in: 'path', required: true, description: 'The rest of the path after /api/, slashes included.', schema: { type: 'string' } },
    ],
    responses: {
      404: { $ref: '#/components/responses/NoSuchRoute' },
    },
    $global: {
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'neptun-session',
            description: 'The sealed session cookie set by POST /api/auth/login and POST /api/auth/sign-up (HttpOnly, SameSite=Lax, Secure in production). Send it back as `Cookie: neptun-session=…`.',
          },
        },
        parameters: {
          UserId: {
            name: 'user_id',
            in: 'path',
            required: true,
            description: 'Unique identifier of the user. Must be the signed-in user\'s own id; any other id is answered 404.',
            schema: { type: 'string', minLength: 1, maxLength: 64 } as BoundedString,
            example: 'your-user-id',
          },
          ChatId: {
            name: 'chat_id',
            in: 'path',
            required: true,
            description: 'Unique identifier of the chat: a positive integer written in plain digits (no sign, leading zero, exponent or hex).',
            schema: { type: 'integer', minimum: 1, maximum: 2147483647 },
            example: 123,
          },
          FileId: {
            name: 'file_id',
            in: 'path',
            required: true,
            description: 'Unique identifier of the file within the chat: a positive integer written in plain digits.',
            schema: { type: 'integer', minimum: 1, maximum: 2147483647 },
            example: 1,
          },
        },
        schemas: {
          ChatFile: {
            type: 'object',
            description: 'A file attached to a chat conversation.',
            required: ['id', 'chat_conversation_id', 'name', 'size', 'type', 'created_at', 'url'],
            additionalProperties: false,
            properties: {
              id: { type: 'integer', description: 'Unique identifier of the file.' },
              chat_conversation_id: { type: 'integer', description: 'The chat the file belongs to.' },
              name: { type: 'string', description: 'The file\'s name as uploaded (sanitized for display).' },
              size: { type: 'integer', minimum: 0, description: 'Size in bytes.' },
              type: { type: 'string', description: 'MIME type, such as application/pdf.' },
              created_at: { type: 'string', format: 'date-time', description: 'When the file was added (ISO 8601, UTC).' },
              url: { type: 'string', format: 'uri', description: 'Presigned download URL. It needs no cookie and has limited-time validity (NUXT_S3_URL_TTL, 15 minutes by default): fetch the listing again for fresh URLs.' },
            },
            example: {
              id: 1,
              chat_conversation_id: 123,
              name: 'document.pdf',
              size: 1024,
              type: 'application/pdf',
              created_at: '2024-03-20T10:00:00Z',
              url: 'https://storage.example.com/files/document.pdf',
            },
          },
          GetChatFilesResponse: {
            type: 'object',
            required: ['chatFiles'],
            additionalProperties: false,
            properties: {
              chatFiles: { type: 'array', items: { $ref: '#/components/schemas/ChatFile' }, description: 'Oldest first; empty when the chat has no files.' },
            },
          },
          ApiError: {
            type: 'object',
            description: 'Every error of the API has this shape (GetChatFilesError in the contract).',
            required: ['statusCode', 'statusMessage', 'data'],
            additionalProperties: false,
            properties: {
              statusCode: { type: 'integer', description: 'The HTTP status code, repeated.' },
              statusMessage: { type: 'string', description: 'The status code\'s standard reason phrase, such as Not Found.' },
              data: {
                type: 'object',
                required: ['message'],
                additionalProperties: false,
                properties: {
                  message: { type: 'string', description: 'What went wrong, for people. Faults of the server say nothing about their cause.' },
                },
              },
            },
            example: { statusCode: 404, statusMessage: 'Not Found', data: { message: 'Chat not found' } },
          },
          Chat: {
            type: 'object',
            required: ['id', 'name', 'created_at'],
            additionalProperties: false,
            properties: {
              id: { type: 'integer', description: 'Unique identifier of the chat.' },
              name: { type: 'string', description: 'The chat\'s name.' },
              created_at: { type: 'string', format: 'date-time', description: 'When the chat was created (ISO 8601, UTC).' },
            },
          },
          GetChatsResponse: {
            type: 'object',
            required: ['chats'],
            additionalProperties: false,
            properties: {
              chats: { type: 'array', items: { $ref: '#/components/schemas/Chat' }, description: 'Newest first.' },
            },
          },
          ChatResponse: {
            type: 'object',
            required: ['chat'],
            additionalProperties: false,
            properties: { chat: { $ref: '#/components/schemas/Chat' } },
          },
          ChatFileResponse: {
            type: 'object',
            required: ['chatFile'],
            additionalProperties: false,
            properties: { chatFile: { $ref: '#/components/schemas/ChatFile' } },
          },
          UploadChatFilesResponse: {
            type: 'object',
            required: ['chatFiles'],
            additionalProperties: false,
            properties: {
              chatFiles: { type: 'array', items: { $ref: '#/components/schemas/ChatFile' }, description: 'The stored files, in the order of the request\'s parts.' },
            },
          },
          UploadTicket: {
            type: 'object',
            description: 'A presigned PUT for one object. Send the bytes to `url` with exactly `method` and `headers`, before `expires_at`, then call …/files/{file_id}/complete.',
            required: ['file_id', 'url', 'method', 'headers', 'expires_at'],
            additionalProperties: false,
            properties: {
              file_id: { type: 'integer', description: 'The reserved file; it is listed only once completed.' },
              url: { type: 'string', format: 'uri', description: 'Presigned upload URL (no cookie needed).' },
              method: { type: 'string', enum: ['PUT'] },
              headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Headers the upload must carry, such as content-type.' },
              expires_at: { type: 'string', format: 'date-time', description: 'When the URL stops working.' },
            },
          },
          CreateUploadResponse: {
            type: 'object',
            required: ['upload'],
            additionalProperties: false,
            properties: { upload: { $ref: '#/components/schemas/UploadTicket' } },
          },
          PublicUser: {
            type: 'object',
            required: ['id', 'email'],
            additionalProperties: false,
            properties: {
              id: { type: 'string', description: 'Unique identifier of the user: the user_id of the /api/users routes.' },
              email: { type: 'string', format: 'email' },
            },
          },
          AuthResponse: {
            type: 'object',
            required: ['user'],
            additionalProperties: false,
            properties: { user: { $ref: '#/components/schemas/PublicUser' } },
          },
          Credentials: {
            type: 'object',
            required: ['email', 'password'],
            properties: {
              email: { type: 'string', format: 'email', maxLength: 254, description: 'Trimmed and compared case-insensitively.' } as BoundedString,
              password: { type: 'string', minLength: 1, maxLength: 1024 } as BoundedString,
            },
          },
          SignUpRequest: {
            type: 'object',
            required: ['email', 'password'],
            properties: {
              email: { type: 'string', format: 'email', maxLength: 254, description: 'Trimmed and stored lowercased.' } as BoundedString,
              password: { type: 'string', minLength: 10, maxLength: 1024, description: 'At least 10 characters, at least 5 of them different.' } as BoundedString,
            },
          },
          ChatNameRequest: {
            type: 'object',
            required: ['name'],
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 200, description: 'Trimmed; 1 to 200 characters remain.' } as BoundedString,
            },
          },
          UploadRequest: {
            type: 'object',
            required: ['name', 'size'],
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 4096, description: 'The file\'s name; stored sanitized, at most 255 characters.' } as BoundedString,
              size: { type: 'integer', minimum: 0, maximum: 9007199254740991, description: 'Exact size in bytes; the upload must match it. Above NUXT_UPLOAD_MAX_BYTES is a 413.' },
              type: { type: 'string', maxLength: 255, description: 'MIME type; absent or empty means application/octet-stream. The upload must match it.' } as BoundedString,
              sha256: { type: 'string', maxLength: 128, pattern: '^\\s*([A-Za-z0-9+/]{43}=|[0-9A-Fa-f]{64})\\s*$', description: 'Optional: the file\'s SHA-256, base64 of the 32 bytes (`openssl dgst -sha256 -binary FILE | base64`) or 64 hex digits (`sha256sum`). When given, the PUT must carry it as `x-amz-checksum-sha256` (it is in `upload.headers`), storage refuses a body that does not match, and completing checks it again (422 on a mismatch).', examples: ['n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg='] } as BoundedString,
            },
          },
          UploadForm: {
            type: 'object',
            required: ['file'],
            properties: {
              file: { type: 'array', items: { type: 'string', format: 'binary' }, description: 'One part named `file` per file, each with a filename and a Content-Type.' },
            },
          },
        },
        responses: {
          BadRequest: {
            description: 'Malformed path parameter (user_id, chat_id or file_id) or invalid body; the message says what is wrong and where.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 400, statusMessage: 'Bad Request', data: { message: 'chat_id: must be a positive integer' } } } },
          },
          Unauthorized: {
            description: 'Unauthorized (invalid or missing session).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 401, statusMessage: 'Unauthorized', data: { message: 'Sign in required' } } } },
          },
          UserNotFound: {
            description: 'user_id is not the signed-in user\'s id.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 404, statusMessage: 'Not Found', data: { message: 'User not found' } } } },
          },
          ChatNotFound: {
            description: 'Chat or user not found: a missing chat, someone else\'s chat and a user_id that is not yours are answered alike.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 404, statusMessage: 'Not Found', data: { message: 'Chat not found' } } } },
          },
          FileNotFound: {
            description: 'No such file in a chat of yours (also for a user_id that is not yours).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 404, statusMessage: 'Not Found', data: { message: 'File not found' } } } },
          },
          NoSuchRoute: {
            description: 'No such API route.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 404, statusMessage: 'Not Found', data: { message: 'No such API route' } } } },
          },
          PayloadTooLarge: {
            description: 'The file is larger than NUXT_UPLOAD_MAX_BYTES, or the chat already holds NUXT_UPLOAD_MAX_FILES_PER_CHAT files.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 413, statusMessage: 'Payload Too Large', data: { message: 'File is larger than the limit of 25 MiB' } } } },
          },
          UnsupportedMediaType: {
            description: 'The file\'s type is not in NUXT_UPLOAD_ALLOWED_TYPES.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 415, statusMessage: 'Unsupported Media Type', data: { message: 'Files of type text/html are not accepted (allowed: image/*,application/pdf)' } } } },
          },
          StorageUnavailable: {
            description: 'File storage could not be reached; nothing was changed, retry later.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 503, statusMessage: 'Service Unavailable', data: { message: 'File storage is unavailable; nothing was changed, please retry' } } } },
          },
          ServerError: {
            description: 'Server error. The message says nothing about the cause, which is logged on the server.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, example: { statusCode: 500, statusMessage: 'Internal Server Error', data: { message: 'Internal Server Error' } } } },
          },
        },
      },
    },
  },
})

// Unknown /api paths answer in the API's error shape instead of falling through to the page renderer.
export default defineEventHandler(() => {
  throw noSuchApiRoute()
})
