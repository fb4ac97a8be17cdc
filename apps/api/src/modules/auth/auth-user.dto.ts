/**
 * The signed-in user, as the auth guard puts it on `req.user` and `@CurrentUser()` hands it to
 * handlers. Also the `user` object of the sign-in answers.
 */
export class AuthUser {
  /** Account id (UUID). */
  id: string;
  /** Email address, normalised to lower case. */
  email: string;
  /** Display name. */
  name: string;
}
