import type { Account } from '../synthetic/account';
import { googleSub } from '../synthetic/ids';

/** The Google account id (`sub`) of a synthetic person. */
export const googleSubOf = (account: Account): string => googleSub(account.tag);
