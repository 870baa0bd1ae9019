import { STATUS_CODES } from 'node:http'
import type { H3Error } from 'h3'
import { z } from 'zod'
import { apiSchemas } from './api-schemas'
import type { ApiRouteTable } from './api-routes'
import { sessionCookieName } from './config'
import { describeError, errorBody, exampleValidationErrors, implicitErrors, serverErrorDoc, validationErrorDoc } from './openapi-errors'
import type { ErrorFactory } from './openapi-errors'

// The OpenAPI 3.1 document, generated. Each route file under server/api exports, next to its handler, an
// `openapi` operation (defineOperation) that names the zod schemas the handler validates with and the wire
// types it answers; server/routes/_openapi.json.get.ts loads them all (modules/openapi lists the route files)
// and builds the document here. Request schemas are converted as zod reads them (`io: 'input'`), responses as
// the server writes them; the statuses every route of a kind answers (401, 403, 405, 413, 415, 503) are added
// from the route's method and needs, and each error's example is made by the error the route throws.

type ResponseDoc = { description?: string, schema?: z.ZodType, headers?: Record<string, string> }

export interface Operation {
  /** operationId: the name client generators give the call. */
  id: string
  tag: 'Auth' | 'Chats' | 'Files'
  summary: string
  description?: string
  /** `true` (default): the session cookie is required (401 without one); 'optional': used when present. */
  session?: boolean | 'optional'
  /** `false` for a route that never touches the database (no 503). */
  database?: boolean
  params?: z.ZodObject
  query?: z.ZodObject
  /** A JSON body, as the route reads it with readValidatedBody. */
  body?: z.ZodType
  /** A multipart/form-data body instead (the route reads it itself). */
  form?: z.ZodObject
  /** Success responses: a wire type of apiSchemas, a description (no body), or both with headers. */
  responses: Record<number, z.ZodType | string | ResponseDoc>
  /** Errors of server/utils/errors.ts the route throws itself; those of every route of its kind are added. */
  errors?: ErrorFactory[]
}

/** A route's operation, exported next to its handler as `openapi`. */
export const defineOperation = (operation: Operation) => operation

/** A route file under server/api, as modules/openapi lists it. */
export interface ApiRouteFile {
  method: string
  /** OpenAPI form: `/api/users/{user_id}/chats`. */
  path: string
  file: string
  load: () => Promise<{ openapi?: Operation }>
}

/** Path parameters mean the same on every route: described once. */
const pathParameters: Record<string, { description: string, example?: unknown }> = {
  user_id: { description: 'Unique identifier of the user. Must be the signed-in user\'s own id; any other id is answered 404.', example: 'your-user-id' },
  chat_id: { description: 'Unique identifier of the chat: a positive integer written in plain digits (no sign, leading zero, exponent or hex).', example: 123 },
  file_id: { description: 'Unique identifier of the file within the chat: a positive integer written in plain digits.', example: 1 },
  session_id: { description: 'The session\'s id, as GET /api/auth/sessions lists it.' },
}

const tags = [
  { name: 'Auth', description: 'Accounts, signing in and out, sessions.' },
  { name: 'Chats', description: 'Your chats.' },
  { name: 'Files', description: 'The files of a chat: listing with presigned download URLs, uploads, downloads, deletion.' },
]

type Json = Record<string, any>

/** zod's JSON Schema (draft 2020-12, OpenAPI 3.1's dialect) of `schema`, its wire types as component references. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io, override: tidy }) as Json
  return json
}

// zod writes out what a `format` already says (a pattern for date-time, uuid, email, uri) and JavaScript's safe
// integer bounds; a pattern on a path parameter described as the integer it spells says nothing either.
function tidy({ jsonSchema: json }: { jsonSchema: Json }) {
  if (json.pattern && (json.format || json.type === 'integer')) delete json.pattern
  if (json.minimum === Number.MIN_SAFE_INTEGER) delete json.minimum
  if (json.maximum === Number.MAX_SAFE_INTEGER) delete json.maximum
}

/** components.schemas: every wire type, referring to each other by name. */
function componentSchemas(): Json {
  const registry = z.registry<{ id: string }>()
  for (const [id, schema] of Object.entries(apiSchemas)) registry.add(schema, { id })
  const { schemas } = z.toJSONSchema(registry, { uri: id => `#/components/schemas/${id}`, override: tidy }) as { schemas: Json }
  for (const schema of Object.values<Json>(schemas)) {
    delete schema.$schema
    delete schema.$id
  }
  return schemas
}

const wireTypeNames = new Map<z.ZodType, string>(Object.entries(apiSchemas).map(([name, schema]) => [schema, name]))

function wireType(schema: z.ZodType) {
  const name = wireTypeNames.get(schema)
  if (!name) throw new Error('OpenAPI: responses must be wire types of server/utils/api-schemas.ts')
  const { examples } = schema.meta() ?? {}
  return { name, example: Array.isArray(examples) ? examples[0] : undefined }
}

const headersObject = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([name, description]) =>
  [name, { description, schema: { type: name === 'Retry-After' ? 'integer' : 'string' } }]))

function successResponse(status: number, value: z.ZodType | string | ResponseDoc): Json {
  const doc: ResponseDoc = typeof value === 'string' ? { description: value } : '_zod' in value ? { schema: value } : value
  const type = doc.schema && wireType(doc.schema)
  return {
    description: doc.description ?? (doc.schema?.meta()?.description as string | undefined) ?? STATUS_CODES[status],
    ...(doc.headers && { headers: headersObject(doc.headers) }),
    ...(type && { content: { 'application/json': { schema: { $ref: `#/components/schemas/${type.name}` }, ...(type.example !== undefined && { example: type.example }) } } }),
  }
}

/** One response per status: the descriptions of its errors, each error's body as an example. */
function errorResponses(errors: { name: string, description: string, example: H3Error, headers?: Record<string, string> }[]): Json {
  const byStatus = new Map<number, typeof errors>()
  for (const e of errors) {
    const status = e.example.statusCode
    byStatus.set(status, [...(byStatus.get(status) ?? []), e])
  }
  return Object.fromEntries([...byStatus].sort(([a], [b]) => a - b).map(([status, list]) => {
    const headers = Object.assign({}, ...list.map(e => e.headers ?? {}))
    const media = list.length === 1
      ? { example: errorBody(list[0]!.example) }
      : { examples: Object.fromEntries(list.map(e => [e.name, { summary: errorBody(e.example).data.message, value: errorBody(e.example) }])) }
    return [String(status), {
      description: [...new Set(list.map(e => e.description))].join(' '),
      ...(Object.keys(headers).length > 0 && { headers: headersObject(headers) }),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' }, ...media } },
    }]
  }))
}

function parameters(op: Operation): Json[] {
  const of = (schema: z.ZodObject | undefined, where: 'path' | 'query') => {
    if (!schema) return []
    const json = jsonSchema(schema, 'input')
    return Object.entries<Json>(json.properties ?? {}).map(([name, { description, ...property }]) => {
      const shared = where === 'path' ? pathParameters[name] : undefined
      if (where === 'path' && !shared) throw new Error(`OpenAPI: describe the path parameter ${name} in server/utils/openapi.ts`)
      return { name, in: where, required: (json.required ?? []).includes(name), description: shared?.description ?? description, schema: property, ...(shared?.example !== undefined && { example: shared.example }) }
    })
  }
  return [...of(op.params, 'path'), ...of(op.query, 'query')]
}

function operationObject(route: ApiRouteFile, op: Operation, allowed: string[]): Json {
  const session = op.session ?? true
  const kind = { method: route.method, allowed, session, database: op.database ?? true, multipart: !!op.form }
  const errors = [
    ...exampleValidationErrors(op).map(e => ({ ...e, description: validationErrorDoc })),
    ...[...(op.errors ?? []).map(error => ({ error, example: undefined })), ...implicitErrors(kind)].map(({ error, example }) => {
      const doc = describeError(error)
      return { name: doc.name, description: doc.description, headers: doc.headers, example: (example ?? doc.example)() }
    }),
    { name: 'serverError', description: serverErrorDoc.description, example: serverErrorDoc.example() },
  ]
  const params = parameters(op)
  const body = op.body ? { 'application/json': { schema: jsonSchema(op.body, 'input') } } : op.form ? { 'multipart/form-data': { schema: jsonSchema(op.form, 'input') } } : undefined
  return {
    tags: [op.tag],
    operationId: op.id,
    summary: op.summary,
    ...(op.description && { description: op.description }),
    ...(params.length > 0 && { parameters: params }),
    security: session === true ? [{ session: [] }] : session === 'optional' ? [{ session: [] }, {}] : [],
    ...(body && { requestBody: { required: true, content: body } }),
    responses: {
      ...Object.fromEntries(Object.entries(op.responses).map(([status, value]) => [status, successResponse(Number(status), value)])),
      ...errorResponses(errors),
    },
  }
}

/**
 * The whole document, from every documented route file. `allowed` is the table server/middleware/api-guard.ts
 * answers 405 from (server/utils/api-routes.ts), so each 405's example names the methods the guard would.
 */
export async function buildOpenApiDocument(routes: ApiRouteFile[], allowed: ApiRouteTable['allowed'], version: string) {
  const loaded = await Promise.all(routes.map(async route => ({ route, op: (await route.load()).openapi })))
  const methodsOf = (path: string) => allowed(path.replace(/\{\w+\}/g, '1')) ?? []
  const paths: Record<string, Json> = {}
  const ids = new Set<string>()
  for (const { route, op } of loaded) {
    if (!op) throw new Error(`OpenAPI: server/api/${route.file} exports no \`openapi\` operation`)
    if (ids.has(op.id)) throw new Error(`OpenAPI: operation id ${op.id} is used twice`)
    ids.add(op.id)
    ;(paths[route.path] ??= {})[route.method] = operationObject(route, op, methodsOf(route.path))
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Chat files API',
      version,
      description: `The files attached to chat conversations, each with a short-lived presigned download URL, behind the sealed session cookie \`${sessionCookieName}\`. Every error has the shape \`{statusCode, statusMessage, data: {message}}\`.`,
    },
    tags,
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: sessionCookieName, description: `The sealed session cookie set by POST /api/auth/login and POST /api/auth/sign-up (HttpOnly, SameSite=Lax, Secure in production). Send it back as \`Cookie: ${sessionCookieName}=…\`.` },
      },
    },
  }
}

/** The Set-Cookie of the routes that sign in. */
export const sessionCookieHeader = `The session: \`${sessionCookieName}=…; Path=/; HttpOnly; SameSite=Lax\` (and \`Secure\` in production).`
