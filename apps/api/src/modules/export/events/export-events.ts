import type { UserEventMap, UserEventName } from '@app/contracts';

/** An event for one user's subscribers; its name and payload are the API contract's (libs/contracts). */
export interface UserEvent<K extends UserEventName = UserEventName> {
  userId: string;
  name: K;
  payload: UserEventMap[K];
}

/** Internal: ask whichever instance runs an export to stop it now. */
export interface CancelRequest {
  exportId: string;
}
