import { IsOptional, IsString, MaxLength } from 'class-validator';

export class GoogleSignInQuery {
  /** A page of the frontend to land on after signing in; ignored unless it is on FRONTEND_URL's origin. */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  returnTo?: string;
}

export class GoogleLinkStart {
  /** Google's consent screen; navigate this browser there (the nonce cookie binds the flow to it). */
  url: string;
}
