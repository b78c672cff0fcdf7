import { CoreSchema1764115200000 } from './1764115200000-core-schema';

/** Every migration, oldest first. Add new ones at the end. */
export const migrations = [CoreSchema1764115200000];
