// The session's user, as nuxt-auth-utils seals it into the `neptun-session` cookie.
declare module '#auth-utils' {
  interface User {
    id: string
    email: string
  }
}

export {}
