import { SetMetadata } from '@nestjs/common';

export const RESPONSE_MESSAGE = 'star-export:response-message';

/** The `message` of the success envelope, e.g. "Export cancelled successfully". */
export const ResponseMessage = (message: string): MethodDecorator & ClassDecorator =>
  SetMetadata(RESPONSE_MESSAGE, message);
