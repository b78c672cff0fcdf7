/**
 * The console's own types, shared by app.js and the views; the shapes of
 * what the API returns come from generated/graphql.d.ts (GraphQL Code
 * Generator, `npm run codegen`), named here once for the views. Type
 * declarations only: the browser never loads this file.
 */
import type { GraphQLWsClient, HttpClient } from './graphql-client.js';
import type * as G from './generated/graphql';

/** The signed-in person, as `login` and `me` return them. */
export type SessionUser = NonNullable<G.MeQuery['me']>;

/** What app.js hands to every view: the API clients, who is signed in, and the app's few actions. */
export interface ViewContext {
  /** Queries and mutations over HTTP. */
  readonly api: HttpClient;
  /** Subscriptions (views run signed in: the connection opens on first use). */
  readonly ws: GraphQLWsClient;
  /** The signed-in person, or null. */
  readonly user: SessionUser | null;
  /** Goes to a route (`/incidents/42`), rendering it again when it is the current one. */
  navigate(path: string): void;
  /** After a successful login: starts live updates and renders the route. */
  signedIn(): void;
  /** Keeps this tab signed in with the token changePassword returned. */
  renewSession(token: string, user: SessionUser): void;
  /** Forgets the session; `message` says why on the login page. */
  signOut(message?: string): void;
}

/** An incident on the board and in subscriptions: the INCIDENT_SUMMARY fields. */
export type IncidentSummary = G.IncidentsQuery['incidents']['edges'][number]['node'];

/** An incident as its page shows it: the INCIDENT_DETAIL fields (what mutations and incidentUpdated return). */
export type IncidentDetail = G.UpdateIncidentMutation['updateIncident'];

/** An incident page's data: the detail and its timeline. */
export type Incident = NonNullable<G.IncidentQuery['incident']>;

/** One timeline entry. */
export type TimelineEvent = Incident['timeline'][number];

/** A person as the console lists them (role pickers, owners). */
export type User = G.UsersQuery['users'][number];

/** A postmortem as its page shows it: the POSTMORTEM_FIELDS. */
export type Postmortem = NonNullable<G.PostmortemQuery['postmortem']>;

/** Applies what a mutation returned to the page's copy of the postmortem. */
export type ApplyPostmortem = (next: Postmortem) => void;

/** One action item of a postmortem. */
export type ActionItem = Postmortem['actionItems'][number];

/** Applies what a mutation returned to the page's copy of the incident. */
export type ApplyIncident = (next: IncidentDetail) => void;

/** A panel of the incident page: its element, and update() with each new copy of the incident. */
export interface IncidentPanel {
  readonly el: HTMLElement;
  update(incident: IncidentDetail): void;
}

/** What h() and replace() take as children: nodes, text, numbers, nested arrays, and falsy values (skipped). */
export type Child = Node | string | number | boolean | null | undefined | readonly Child[];

/** The listeners h() takes as `on<event>` attributes, typed by their event. */
export type Listeners = { [K in keyof HTMLElementEventMap as `on${K}`]?: (event: HTMLElementEventMap[K]) => void };

/** h()'s attributes: `class` (a string or a list), `dataset`, listeners, booleans (`disabled: true`), any other attribute as a value. */
export type Attrs = Listeners & {
  class?: string | ReadonlyArray<string | false | null | undefined>;
  dataset?: Record<string, string>;
  [attribute: string]: unknown;
};
