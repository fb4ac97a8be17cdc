export * from './error-codes';
export * from './export-events';
export * from './exports';
export * from './platforms';
