import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, Length, MaxLength, ValidateBy } from 'class-validator';
import { NAME_FORBIDDEN_CHARACTERS, normaliseEmail, normaliseName, normalisePassword } from './users/identity-text';

// Limits are literals so that the Swagger plugin can copy them into the OpenAPI document.

/** Normalises string input before validation, so rules apply to what is stored; non-strings fail validation. */
const Normalised = (normalise: (value: string) => string): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normalise(value) : value));

const IsDisplayName = (): PropertyDecorator =>
  ValidateBy({
    name: 'isDisplayName',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && !NAME_FORBIDDEN_CHARACTERS.test(value),
      defaultMessage: () => 'name must not contain control characters or bidirectional overrides',
    },
  });

export class RegisterRequest {
  /** Email address; compared and stored in lower case, so it is unique whatever its case. */
  @Normalised(normaliseEmail)
  @IsEmail({ allow_display_name: false, allow_ip_domain: false, require_tld: true })
  @MaxLength(254)
  email: string;

  /** 8 to 128 characters, used in full (never truncated). */
  @Normalised(normalisePassword)
  @IsString()
  @Length(8, 128)
  password: string;

  /** Display name, 1 to 100 characters; no control characters or bidirectional overrides. */
  @Normalised(normaliseName)
  @IsString()
  @Length(1, 100)
  @IsDisplayName()
  name: string;
}

/**
 * Only shape and size are checked: anything else is simply a wrong email or password, answered
 * with the same 401 as every other failed sign-in.
 */
export class LoginRequest {
  /** The account's email address, in any case. */
  @Normalised(normaliseEmail)
  @IsString()
  @IsNotEmpty()
  @MaxLength(254)
  email: string;

  /** The account's password. */
  @Normalised(normalisePassword)
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  password: string;
}

export class RefreshTokenRequest {
  /** The refresh token of the latest sign-in or refresh. Anything that is not one is answered 401. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  refreshToken: string;
}
