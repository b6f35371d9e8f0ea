export * from './campaigns';
export * from './reporting';
export * from './hardship';
export * from './auth';
export * from './todo';
export * from './payments';
export * from './notices';
export * from './discrepancies';
