/**
 * Where to land after a Google sign-in: `returnTo` only when it resolves to FRONTEND_URL's origin.
 * Another origin, a scheme-relative `//host`, `/\host` or `javascript:` resolve elsewhere and are
 * ignored, so the sign-in can never be used as an open redirect that carries tokens away.
 */
export function safeReturnTo(returnTo: string | undefined, frontendUrl: string | undefined): string | undefined {
  if (!returnTo || !frontendUrl) return undefined;
  try {
    const target = new URL(returnTo, frontendUrl);
    if (target.origin !== new URL(frontendUrl).origin) return undefined;
    target.hash = '';
    return target.href;
  } catch {
    return undefined;
  }
}
