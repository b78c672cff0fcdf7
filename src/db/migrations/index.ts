import { CoreSchema1764115200000 } from './1764115200000-core-schema';
import { IncidentDocuments1764115300000 } from './1764115300000-incident-documents';
import { Postmortems1764115400000 } from './1764115400000-postmortems';
import { AlertsAndApiTokens1764115500000 } from './1764115500000-alerts-and-api-tokens';
import { UserAccounts1764115600000 } from './1764115600000-user-accounts';
import { EventLog1764115705000 } from './1764115705000-event-log';
import { GrafanaAlerts1764115710000 } from './1764115710000-grafana-alerts';
import { DocumentVersions1764115712000 } from './1764115712000-document-versions';
import { Changes1764115720000 } from './1764115720000-changes';
import { OutgoingWebhooks1764115730000 } from './1764115730000-outgoing-webhooks';
import { StatusPageAndCadence1764116200000 } from './1764116200000-status-page-and-cadence';

/** Every migration, oldest first. Add new ones at the end. */
export const migrations = [
  CoreSchema1764115200000,
  IncidentDocuments1764115300000,
  Postmortems1764115400000,
  AlertsAndApiTokens1764115500000,
  UserAccounts1764115600000,
  EventLog1764115705000,
  GrafanaAlerts1764115710000,
  DocumentVersions1764115712000,
  Changes1764115720000,
  OutgoingWebhooks1764115730000,
  StatusPageAndCadence1764116200000,
];
