/** Whether a socket's remote address is this machine: 127.0.0.0/8, ::1, or either mapped as ::ffff:127.x.y.z. */
export function isLoopbackAddress (address: string | undefined): boolean {
  if (address === undefined) return false
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return v4.startsWith('127.') || address === '::1'
}
