/**
 * Whether the server offers Google sign-in: it says so in a meta tag of the page it serves (the API
 * document has no route for it, and probing /api/auth/google would start a sign-in).
 */
export function googleSignInOffered(): boolean {
  return document.querySelector('meta[name="star-export-google-sign-in"]')?.getAttribute('content') === 'on';
}
