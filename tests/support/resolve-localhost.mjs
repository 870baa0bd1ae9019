import dns from 'node:dns'

// Resolves every `*.localhost` name to loopback, as RFC 6761 asks and browsers do, in this process only:
// virtual-hosted-style URLs of the test storage (`bucket.s3.localhost:PORT`) then work without touching
// /etc/hosts or the system resolver. Loaded with `node --import` (the suite's workers and app servers).

const marker = Symbol.for('chat-files.resolve-localhost')
if (!dns.lookup[marker]) {
  const lookup = dns.lookup
  const patched = function (hostname, options, callback) {
    if (typeof hostname !== 'string' || !/^(?:[^.]+\.)*localhost\.?$/i.test(hostname) || hostname.toLowerCase() === 'localhost') {
      return lookup.apply(this, arguments)
    }
    if (typeof options === 'function') [callback, options] = [options, {}]
    const opts = typeof options === 'number' ? { family: options } : options ?? {}
    const v6 = opts.family === 6 || opts.family === 'IPv6'
    const address = { address: v6 ? '::1' : '127.0.0.1', family: v6 ? 6 : 4 }
    process.nextTick(() => (opts.all ? callback(null, [address]) : callback(null, address.address, address.family)))
  }
  patched[marker] = true
  dns.lookup = patched
}
