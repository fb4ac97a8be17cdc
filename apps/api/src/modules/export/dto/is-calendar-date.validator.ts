import { ValidationOptions, registerDecorator } from 'class-validator';

/** A real calendar day written `YYYY-MM-DD`: `2023-02-30` and `2023-2-1` are refused. */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be a date written YYYY-MM-DD', ...options },
      validator: { validate: isCalendarDate },
    });
}

/**
 * The oldest day an export can ask for: no platform Star Export reads existed before 2004 (Facebook,
 * the oldest of the four, opened in February 2004). A year-0000 range is a mistake, not a filter.
 */
export const EARLIEST_EXPORTABLE_DAY = '2004-01-01';

/** The latest day a range may name: tomorrow in UTC, so a client a timezone ahead can still say "today". */
export function latestExportableDay(now = new Date()): string {
  return new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
}

/** A `YYYY-MM-DD` day from EARLIEST_EXPORTABLE_DAY to tomorrow (only checked once it is a calendar date). */
export function IsExportableDay(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isExportableDay',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: () => `$property must be a day from ${EARLIEST_EXPORTABLE_DAY} to ${latestExportableDay()}`,
        ...options,
      },
      validator: {
        // YYYY-MM-DD strings compare as days; what is not one is IsCalendarDate's to report.
        validate: (value: unknown) => !isCalendarDate(value) || (value >= EARLIEST_EXPORTABLE_DAY && value <= latestExportableDay()),
      },
    });
}
