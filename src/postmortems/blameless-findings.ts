import { PostmortemSection } from './postmortem.enums';
import type { BlamelessFinding } from './postmortem.types';

/** A person known to Sitrep, who may be named in a postmortem. */
export interface KnownPerson {
  name: string;
  email: string;
}

/** One piece of postmortem text to check. */
export interface TextPart {
  section: PostmortemSection;
  text: string;
}

// Stands in for a person's mention while the blame patterns run, so that names never collide with them.
const P = '\uE000';
const MAX_EXCERPT = 500;
const LETTER = String.raw`[\p{L}\p{N}_]`;
const BEFORE = String.raw`(?<!${LETTER})`;
// "Alice." ends a sentence; "alice.smith" and "alice-bot" are other words.
const AFTER = String.raw`(?!${LETTER}|[.@\-]${LETTER})`;

/**
 * A person as the grammatical subject: "Alice", "Alice's deploy", "Alice's
 * config push", followed by at most three auxiliaries or adverbs.
 */
const SUBJECT = String.raw`${P}(?:['’]s?(?:\s+[\p{L}\p{N}\-]+){1,2})?(?:\s+(?:again|also|apparently|clearly|just|simply|then|obviously|carelessly|accidentally|mistakenly|had|has|have|did|was|were|is|really|completely|totally|still|initially|repeatedly))*\s+`;

/** Blame said of a subject: "Alice caused …", "Bob should have …", "Carol made a mistake". */
const SUBJECT_VERBS = [
  String.raw`caused`,
  String.raw`causes`,
  String.raw`broke`,
  String.raw`broken`,
  String.raw`should(?:n['’]t|\s+not)?\s+have`,
  String.raw`failed\s+to`,
  String.raw`forgot\s+to`,
  String.raw`neglected\s+to`,
  String.raw`ignored`,
  String.raw`overlooked`,
  String.raw`botched`,
  String.raw`did(?:n['’]t|\s+not)\s+bother`,
  String.raw`made\s+(?:(?:a|an|the|another|several|many|multiple|two|three|some)\s+)?(?:[\p{L}\-]+\s+)?(?:mistake|error|blunder)s?`,
];

/** Blame with the person after it: "caused by Alice", "blamed on Bob", "the fault of Carol". */
const OBJECT_PATTERNS = [
  String.raw`(?:caused|broken|botched)\s+by\s+${P}`,
  String.raw`(?:blame[sd]?|blaming)\s+(?:[\p{L}]+\s+){0,3}?${P}`,
  String.raw`(?:fault|mistake|negligence|carelessness)\s+(?:of|by)\s+${P}`,
  String.raw`${P}['’]s?\s+(?:own\s+)?(?:fault|mistake|blunder|negligence|carelessness)`,
];

/** Words that are blame wherever a named person stands in the same clause. */
const STRONG_WORDS = String.raw`careless(?:ly|ness)?|negligen(?:t|tly|ce)|incompeten(?:t|ce)|sloppy|sloppily|reckless(?:ly|ness)?|irresponsibl[ey]|lazy|laziness|stupid(?:ly|ity)?|human\s+error|blame[sd]?|blaming|at\s+fault|to\s+blame|screw(?:ed)?\s+up|mess(?:ed)?\s+up|dropped\s+the\s+ball`;

// A person is the subject of what follows them only up to a clause boundary.
const CLAUSE_BREAK = /[,;:()\u2013\u2014]|\s-\s|\b(?:but|because|although|though|while|whereas|since|so|until|after|before|when|once|however|and then)\b/giu;

const SUBJECT_RULE = new RegExp(`${SUBJECT}(?<cue>${SUBJECT_VERBS.join('|')})(?!${LETTER})`, 'giu');
const OBJECT_RULE = new RegExp(`(?<cue>${OBJECT_PATTERNS.join('|')})`, 'giu');
const STRONG_RULE = new RegExp(`(?<!${LETTER})(?<cue>${STRONG_WORDS})(?!${LETTER})`, 'giu');

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Finds sentences in postmortem text that name a person known to Sitrep
 * together with blame language. A person is named by full name, by first
 * name (capitalised, as people write names), by email or by @mention, always
 * on word boundaries ("Ann" is not in "Annotations"). To stay precise the
 * blame must be about that person: they are the subject of a blaming verb in
 * the same clause ("Bob should have checked"), its agent ("caused by Bob"),
 * or share a clause with a word that is blame on its own ("careless").
 * "The deploy caused a spike" names no one; "Alice noticed the job failed to
 * start" names someone who is not the subject of "failed to".
 */
export class BlamelessMatcher {
  private readonly insensitive: RegExp | null;
  private readonly sensitive: RegExp | null;
  private readonly names = new Map<string, Set<string>>();

  constructor(people: KnownPerson[]) {
    const loose: string[] = [];
    const exact: string[] = [];
    const add = (form: string, caseSensitive: boolean, person: string) => {
      const key = caseSensitive ? form : form.toLowerCase();
      if (!this.names.has(key)) {
        this.names.set(key, new Set());
        (caseSensitive ? exact : loose).push(form);
      }
      this.names.get(key)!.add(person);
    };
    for (const person of people) {
      const name = person.name.trim().replace(/\s+/g, ' ');
      const tokens = name.split(' ');
      if (tokens.length > 1) {
        add(name, false, name);
        // Names that are also words ("Will", "Grace") are only names when capitalised.
        if (tokens[0].length >= 3 && /^\p{Lu}/u.test(tokens[0])) add(tokens[0], true, name);
      } else if (name.length >= 2) {
        add(name, true, name);
      }
      const email = person.email.trim();
      if (email.includes('@')) {
        add(email, false, name);
        const local = email.slice(0, email.indexOf('@'));
        if (local.length >= 2) add(`@${local}`, false, name);
      }
    }
    const build = (forms: string[], flags: string) => {
      if (!forms.length) return null;
      const alternatives = forms
        .sort((a, b) => b.length - a.length)
        .map((f) => escapeRegExp(f).replace(/ /g, String.raw`\s+`));
      return new RegExp(`${BEFORE}(?:${alternatives.join('|')})${AFTER}`, flags);
    };
    this.insensitive = build(loose, 'giu');
    this.sensitive = build(exact, 'gu');
  }

  /** Every flagged sentence of `parts`, in order. */
  findings(parts: TextPart[]): BlamelessFinding[] {
    const found: BlamelessFinding[] = [];
    for (const part of parts) {
      for (const sentence of sentences(part.text)) {
        const reason = this.check(sentence);
        if (reason) found.push({ section: part.section, excerpt: excerpt(sentence), reason });
      }
    }
    return found;
  }

  /** Why `sentence` reads as blame, or null when it does not. */
  check(sentence: string): string | null {
    const mentions = this.mentions(sentence);
    if (!mentions.length) return null;
    let normalized = '';
    let at = 0;
    for (const m of mentions) {
      normalized += sentence.slice(at, m.start) + P;
      at = m.end;
    }
    normalized += sentence.slice(at);

    const people = new Set<string>();
    const cues = new Set<string>();
    for (const clause of clauses(normalized)) {
      const firstPerson = countBefore(normalized, clause.start);
      const inClause = countBefore(normalized, clause.end) - firstPerson;
      if (!inClause) continue;
      for (const rule of [SUBJECT_RULE, OBJECT_RULE]) {
        for (const match of clause.text.matchAll(rule)) {
          const person = firstPerson + countBefore(clause.text, match.index! + match[0].indexOf(P));
          mentions[person].people.forEach((p) => people.add(p));
          cues.add(cue(match.groups!.cue));
        }
      }
      for (const match of clause.text.matchAll(STRONG_RULE)) {
        for (let i = firstPerson; i < firstPerson + inClause; i++) mentions[i].people.forEach((p) => people.add(p));
        cues.add(cue(match.groups!.cue));
      }
    }
    if (!people.size) return null;
    return `names ${[...people].join(', ')} together with blame language (${[...cues].map((c) => `"${c}"`).join(', ')}); describe what happened to the system and the process instead`;
  }

  private mentions(sentence: string): Array<{ start: number; end: number; people: string[] }> {
    const all: Array<{ start: number; end: number; people: string[] }> = [];
    for (const [regex, caseSensitive] of [[this.insensitive, false], [this.sensitive, true]] as const) {
      if (!regex) continue;
      for (const match of sentence.matchAll(regex)) {
        const key = caseSensitive ? match[0] : match[0].toLowerCase().replace(/\s+/g, ' ');
        all.push({ start: match.index!, end: match.index! + match[0].length, people: [...(this.names.get(key) ?? [])] });
      }
    }
    // "Alice Chen" wins over the "Alice" inside it.
    all.sort((a, b) => a.start - b.start || b.end - a.end);
    const kept: typeof all = [];
    for (const m of all) if (!kept.length || m.start >= kept.at(-1)!.end) kept.push(m);
    return kept;
  }
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** The sentences of `text` (Unicode sentence boundaries: "e.g." and "v1.2" do not end one). */
export function sentences(text: string): string[] {
  return [...segmenter.segment(text)].map((s) => s.segment.trim()).filter((s) => s.length > 0);
}

function clauses(sentence: string): Array<{ text: string; start: number; end: number }> {
  const out: Array<{ text: string; start: number; end: number }> = [];
  let start = 0;
  for (const match of sentence.matchAll(CLAUSE_BREAK)) {
    out.push({ text: sentence.slice(start, match.index), start, end: match.index! });
    start = match.index! + match[0].length;
  }
  out.push({ text: sentence.slice(start), start, end: sentence.length });
  return out;
}

function countBefore(text: string, index: number): number {
  let n = 0;
  for (let i = text.indexOf(P); i !== -1 && i < index; i = text.indexOf(P, i + 1)) n++;
  return n;
}

/** The blame words of a match, without the stand-in for the person. */
function cue(text: string): string {
  return text
    .replace(new RegExp(`${P}['’]?s?`, 'gu'), '')
    .replace(/\b(?:by|of|on)\s*$/i, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

function excerpt(sentence: string): string {
  const flat = sentence.replace(/\s+/g, ' ');
  return flat.length > MAX_EXCERPT ? `${flat.slice(0, MAX_EXCERPT - 1)}…` : flat;
}
