import { IsOptional, IsString, Length } from 'class-validator';

export class ConnectPlatformDto {
  /** The platform's access token. */
  @IsString()
  @Length(1, 4096)
  accessToken: string;

  /** The platform's refresh token, where it issues one; without it the connection ends when the access token expires. */
  @IsOptional()
  @IsString()
  @Length(1, 4096)
  refreshToken?: string;
}
