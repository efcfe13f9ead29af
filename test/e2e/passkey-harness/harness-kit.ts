/** The service's policy for pages: scripts only from our origin, so the client code must work as a file. */
export const strictCsp = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
