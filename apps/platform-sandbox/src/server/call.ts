import type { RequestContext } from '../http/context';
import type { Reply } from '../http/reply';
import type { Surface } from '../state/faults';
import type { SandboxState } from './state';

/** One request on its way through a handler; handlers fill in account and units for the log. */
export interface Call {
  ctx: RequestContext;
  state: SandboxState;
  /** Capture groups of the route's path pattern. */
  params: string[];
  account: string | null;
  units: number;
}

export type Handler = (call: Call) => Reply | Promise<Reply>;

export interface Route {
  methods: readonly string[];
  path: string | RegExp;
  /** Name in the request log and in fault rules. */
  api: string;
  surface: Surface;
  handler: Handler;
  /** For list methods: the default maxResults, so fault rules can match "page N". */
  defaultPageSize?: number;
}
