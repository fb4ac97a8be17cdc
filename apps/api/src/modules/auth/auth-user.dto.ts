import { ApiUuid } from '../../common/openapi/api-formats.decorator';

/**
 * The signed-in user, as the auth guard puts it on `req.user` and `@CurrentUser()` hands it to
 * handlers. Also the `user` object of the sign-in answers.
 */
export class AuthUser {
  @ApiUuid({ description: 'Account id.' }) id: string;
  /** Email address, normalised to lower case. */
  email: string;
  /** Display name. */
  name: string;
}
