import type { ExportOptions } from '@app/contracts';
import type { CollectionPlan, PlatformAdapter } from '@app/platform-adapters';

/** The collections an export of these options pulls: the adapter's plan, narrowed to `options.collections`. */
export function plannedCollections(adapter: PlatformAdapter, options: ExportOptions): CollectionPlan[] {
  const plans = adapter.collections(options);
  return options.collections ? plans.filter((plan) => options.collections?.includes(plan.feature)) : plans;
}
