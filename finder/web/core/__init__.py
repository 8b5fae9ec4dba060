"""What every blueprint shares: errors, security headers, extensions, sign-in, parameters,
request context and the OpenAPI document."""
