import fc from 'fast-check';
import { DbopsError } from '../../packages/core/src/errors.js';
import { parseWindow } from '../../packages/core/src/maintenance-window/window.js';

const at = (iso: string) => new Date(iso);

describe('parseWindow', () => {
  it('a weekly UTC window: inside, outside, next and remaining', () => {
    const w = parseWindow('Sun 01:00-03:00 UTC', 'window');
    // 2026-12-06 is a Sunday.
    expect(w.contains(at('2026-12-06T01:00:00Z'))).toBe(true);
    expect(w.contains(at('2026-12-06T02:59:59Z'))).toBe(true);
    expect(w.contains(at('2026-12-06T03:00:00Z'))).toBe(false);
    expect(w.contains(at('2026-12-05T01:30:00Z'))).toBe(false);
    expect(w.remaining(at('2026-12-06T02:30:00Z'))).toBe(30 * 60_000);
    expect(w.remaining(at('2026-12-06T04:00:00Z'))).toBe(0);
    expect(w.next(at('2026-12-06T04:00:00Z'))).toEqual({
      start: at('2026-12-13T01:00:00Z'),
      end: at('2026-12-13T03:00:00Z'),
    });
    expect(w.next(at('2026-12-06T02:00:00Z')).start).toEqual(at('2026-12-06T01:00:00Z'));
  });

  it('crossing midnight: Mon-Fri 22:00-02:00 Europe/Berlin includes Saturday 01:00 and not Monday 01:00', () => {
    const w = parseWindow('Mon-Fri 22:00-02:00 Europe/Berlin', 'window');
    // Berlin is UTC+1 in December. Sat 2026-12-05 01:00 Berlin = Fri 00:00 UTC: Friday's window.
    expect(w.contains(at('2026-12-05T00:00:00Z'))).toBe(true);
    // Mon 2026-12-07 01:00 Berlin belongs to Sunday's window, which does not exist.
    expect(w.contains(at('2026-12-07T00:00:00Z'))).toBe(false);
    expect(w.next(at('2026-12-05T12:00:00Z'))).toEqual({
      start: at('2026-12-07T21:00:00Z'),
      end: at('2026-12-08T01:00:00Z'),
    });
  });

  it('DST forward in New York: daily 00:00-04:00 lasts 3 hours on 2026-03-08', () => {
    const w = parseWindow('daily 00:00-04:00 America/New_York', 'window');
    const occ = w.next(at('2026-03-08T04:30:00Z')); // 23:30 EST on the 7th → next is 00:00 EST on the 8th
    expect(occ).toEqual({ start: at('2026-03-08T05:00:00Z'), end: at('2026-03-08T08:00:00Z') });
    expect(occ.end.getTime() - occ.start.getTime()).toBe(3 * 3600_000);
  });

  it('DST back in New York: daily 00:00-04:00 lasts 5 hours on 2026-11-01', () => {
    const w = parseWindow('daily 00:00-04:00 America/New_York', 'window');
    const occ = w.next(at('2026-11-01T03:00:00Z')); // 23:00 EDT on Oct 31
    expect(occ).toEqual({ start: at('2026-11-01T04:00:00Z'), end: at('2026-11-01T09:00:00Z') });
  });

  it('a start in the DST gap moves forward by the gap (Berlin 02:30 on 2026-03-29 is 03:30 CEST)', () => {
    const w = parseWindow('Sun 02:30-05:00 Europe/Berlin', 'window');
    expect(w.next(at('2026-03-28T12:00:00Z'))).toEqual({
      start: at('2026-03-29T01:30:00Z'),
      end: at('2026-03-29T03:00:00Z'),
    });
  });

  it('several windows: the earliest next start wins', () => {
    const w = parseWindow('Sun 01:00-03:00 UTC, Wed 12:00-13:00 Asia/Tokyo', 'window');
    // Wed 12:00 Tokyo = Wed 03:00 UTC.
    expect(w.next(at('2026-12-07T00:00:00Z')).start).toEqual(at('2026-12-09T03:00:00Z'));
    expect(w.contains(at('2026-12-09T03:30:00Z'))).toBe(true);
    expect(w.rules).toHaveLength(2);
  });

  it.each([
    ['Sun 25:00-03:00 UTC', /start time '25:00'/],
    ['Sun 01:00-03:60 UTC', /end time '03:60'/],
    ['Sun 01:00-03:00 Mars/Olympus', /unknown time zone 'Mars\/Olympus'/],
    ['Sunday 01:00-03:00 UTC', /unknown days 'Sunday'/],
    ['Sun 1am-3am UTC', /HH:MM-HH:MM/],
    ['Sun 01:00-03:00', /2 parts/],
    ['Sun 01:00-01:00 UTC', /starts and ends at the same time/],
    ['', /is empty/],
  ])('rejects %j naming the input, the fault and the valid form', (text, problem) => {
    let error: unknown;
    try {
      parseWindow(text, 'window');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DbopsError);
    const e = error as DbopsError;
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.input).toBe('window');
    expect(e.message).toMatch(/^Input 'window' /);
    expect(e.message).toMatch(problem);
    expect(e.hint).toMatch(/HH:MM/);
  });
});

describe('window properties', () => {
  const zones = fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata');
  const instants = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }).map((t) => new Date(t));
  const rules = fc
    .record({
      day: fc.constantFrom('Sun', 'Mon-Fri', 'daily', 'Fri-Mon', 'Wed'),
      sh: fc.integer({ min: 0, max: 23 }),
      sm: fc.constantFrom(0, 15, 30, 45),
      eh: fc.integer({ min: 0, max: 23 }),
      em: fc.constantFrom(0, 15, 30, 45),
      zone: zones,
    })
    .filter((r) => r.sh * 60 + r.sm !== r.eh * 60 + r.em)
    .map((r) => `${r.day} ${pad(r.sh)}:${pad(r.sm)}-${pad(r.eh)}:${pad(r.em)} ${r.zone}`);

  it('next() either contains the instant or starts after it, and contains agrees with remaining', () => {
    fc.assert(
      fc.property(rules, instants, (text, t) => {
        const w = parseWindow(text, 'window');
        const occ = w.next(t);
        expect(occ.end.getTime()).toBeGreaterThan(occ.start.getTime());
        if (w.contains(t)) {
          expect(occ.start.getTime()).toBeLessThanOrEqual(t.getTime());
          expect(w.remaining(t)).toBe(occ.end.getTime() - t.getTime());
        } else {
          expect(occ.start.getTime()).toBeGreaterThan(t.getTime());
          expect(w.remaining(t)).toBe(0);
        }
        // The start of the next occurrence is inside the window, and the instant just before its end too.
        expect(w.contains(occ.start)).toBe(true);
        expect(w.contains(new Date(occ.end.getTime() - 1))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('an occurrence lasts its nominal length, give or take one DST shift', () => {
    fc.assert(
      fc.property(rules, instants, (text, t) => {
        const w = parseWindow(text, 'window');
        const r = w.rules[0]!;
        const nominal = ((r.endMinute - r.startMinute + 1440) % 1440 || 1440) * 60_000;
        const { start, end } = w.next(t);
        expect(Math.abs(end.getTime() - start.getTime() - nominal)).toBeLessThanOrEqual(3600_000);
      }),
      { numRuns: 300 },
    );
  });
});

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
