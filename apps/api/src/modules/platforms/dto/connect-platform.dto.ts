import { ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsOptional, IsString, Length, ValidateIf } from 'class-validator';

export class ConnectPlatformDto {
  /**
   * The platform's access token. On a platform connected with browser cookies (Instagram), the session
   * instead: the `sessionid` value or any form `cookies` takes.
   */
  @ValidateIf((body: ConnectPlatformDto) => body.cookies === undefined)
  @IsString()
  @Length(1, 4096)
  accessToken?: string;

  /** The platform's refresh token, where it issues one; without it the connection ends when the access token expires. */
  @IsOptional()
  @IsString()
  @Length(1, 4096)
  refreshToken?: string;

  /**
   * Platforms connected with browser cookies (Instagram): the session copied from a logged-in browser,
   * as a `Cookie` header string, Netscape cookies.txt text, or the JSON array cookie extensions export
   * (as an array or its text). `sessionid` is required; never a password.
   */
  @ApiPropertyOptional({
    oneOf: [{ type: 'string', maxLength: 262144 }, { type: 'array', maxItems: 300, items: { type: 'object', additionalProperties: true } }],
    example: 'sessionid=12345%3AAbCdEf%3A27; csrftoken=q1w2e3; ds_user_id=12345',
  })
  @IsOptional()
  @Allow()
  cookies?: string | Record<string, unknown>[];
}
