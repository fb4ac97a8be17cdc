export * from './error-codes';
export * from './platforms';
