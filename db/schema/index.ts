export * from './campaigns';
export * from './reporting';
