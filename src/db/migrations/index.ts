import { CoreSchema1764115200000 } from './1764115200000-core-schema';
import { AlertsAndApiTokens1764115500000 } from './1764115500000-alerts-and-api-tokens';

/** Every migration, oldest first. Add new ones at the end. */
export const migrations = [CoreSchema1764115200000, AlertsAndApiTokens1764115500000];
