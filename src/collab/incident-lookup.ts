/**
 * What the collaboration server asks of incidents: only whether one exists,
 * before it admits a socket to its document. Incidents implement it
 * (IncidentService.exists); this interface keeps the socket server from
 * reading the incidents table itself.
 */
export interface IncidentLookup {
  exists(incidentId: string): Promise<boolean>;
}
