import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'star-export:public';

/** Routes are protected by default; this marks one that answers without a signed-in user. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
