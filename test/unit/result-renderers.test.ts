// The result model's three renderers: the job summary (Markdown, the one place that escapes), the terminal (plain,
// aligned) and notifications (title and short text per status). Nothing in them parses Markdown back.
import {
  alertFor,
  code,
  MemoryLogger,
  renderNotification,
  renderSummary,
  runResult,
  Secrets,
  strong,
  type Result,
} from '@dbops/core';
import { renderForTerminal } from '@dbops/cli';

const result = (overrides: Partial<Result> = {}): Result => ({
  status: 'ok',
  title: ['Backup of ', code('app'), ' complete'],
  blocks: [],
  ...overrides,
});

describe('the job summary (Markdown)', () => {
  it('escapes |, newlines and backticks in table cells, and only there turns a newline into a space', () => {
    const table = { kind: 'table' as const, columns: ['Check', 'Detail'], rows: [['a|b', 'line one\nline `two`']] };
    const markdown = renderSummary([result({ blocks: [table] })]);
    expect(markdown).toContain('| a\\|b | line one line \\`two\\` |');
  });

  it('escapes HTML and link markup in plain text, in cells and notes alike, and leaves code spans as they are', () => {
    const text = `select * from t where a<b> and c && d <details> ![x](http://e/) [y]`;
    const table = { kind: 'table' as const, columns: ['Detail'], rows: [[text]] };
    const markdown = renderSummary([result({ blocks: [table, { kind: 'note', text }] })]);
    const escaped = 'select * from t where a&lt;b&gt; and c &amp;&amp; d &lt;details&gt; !\\[x\\](http://e/) \\[y\\]';
    expect(markdown).toContain(`| ${escaped} |`);
    expect(markdown).toContain(`\n${escaped}\n`);
    expect(renderSummary([result({ blocks: [{ kind: 'note', text: [code('a<b>&[c]')] }] })])).toContain('`a<b>&[c]`');
  });

  it('redacts a secret that holds Markdown characters in its escaped form too', () => {
    const secret = 'pw&<x>[y]|`z';
    const secrets = new Secrets();
    secrets.add(secret);
    const table = { kind: 'table' as const, columns: ['Detail'], rows: [[`password ${secret}`]] };
    const markdown = secrets.redact(renderSummary([result({ blocks: [table, { kind: 'note', text: secret }] })]));
    expect(markdown).toContain('| password *** |');
    expect(markdown).toContain('\n***\n');
  });

  it('fences a code span around the backticks and pipes inside it', () => {
    const markdown = renderSummary([result({ blocks: [{ kind: 'facts', rows: [['Key', code('odd`name|x')]] }] })]);
    expect(markdown).toContain('| Key | `` odd`name\\|x `` |');
  });

  it('keeps a code span on one line: a blank line inside it would end it and let the rest be read as HTML', () => {
    // A MongoDB collection name may hold newlines; a code span is not a cell, so nothing else turned them into spaces.
    const name = 'orders\n\n<img src=x onerror=alert(1)>\r\nnext';
    const markdown = renderSummary([result({ title: ['Backup of ', code(name), ' complete'] })]);
    expect(markdown).toContain('`orders  <img src=x onerror=alert(1)> next`');
    expect(markdown.split('\n').filter((line) => line.includes('<img'))).toHaveLength(1);
    expect(markdown).not.toMatch(/\n\n<img/);
  });

  it('writes a heading with the status icon, facts as a two-column table, and strong text', () => {
    const facts = { kind: 'facts' as const, rows: [['Size', [strong('1 MiB'), ' stored']] as const] };
    const markdown = renderSummary([result({ blocks: [facts] })]);
    expect(markdown).toBe('### ✅ Backup of `app` complete\n\n| | |\n|---|---|\n| Size | **1 MiB** stored |\n');
  });

  it('separates results by a blank line and folds what is folded', () => {
    const details = { kind: 'folded' as const, title: 'Details', blocks: [{ kind: 'note' as const, text: 'x' }] };
    const folded: Result = { status: 'info', title: 'Rotation', blocks: [details] };
    expect(renderSummary([result(), folded])).toBe(
      '### ✅ Backup of `app` complete\n\n### Rotation\n\n<details><summary>Details</summary>\n\nx\n\n</details>\n',
    );
  });
});

describe('the terminal', () => {
  it('aligns facts and table columns, without markup and without trailing spaces', () => {
    const text = renderForTerminal([
      result({
        blocks: [
          {
            kind: 'facts',
            rows: [
              ['Database', 'app'],
              ['Backup id', code('20260101T000000Z-abcdef')],
            ],
          },
          {
            kind: 'table',
            columns: ['Backup id', 'Action', 'Kept by'],
            rows: [
              [code('a'), strong('delete'), ''],
              [code('bbbb'), 'keep', 'daily'],
            ],
          },
        ],
      }),
    ]);
    expect(text.split('\n')).toEqual([
      '✅ Backup of app complete',
      '',
      'Database   app',
      'Backup id  20260101T000000Z-abcdef',
      '',
      'Backup id  Action  Kept by',
      'a          delete',
      'bbbb       keep    daily',
    ]);
  });

  it('turns a newline in a cell into a space and leaves charts out', () => {
    const text = renderForTerminal([
      result({
        blocks: [
          { kind: 'table', columns: ['Check', 'Detail'], rows: [['c', 'two\nlines']] },
          { kind: 'chart', title: 'Size', yLabel: 'MiB', points: [{ label: '01-01', value: 1 }] },
        ],
      }),
    ]);
    expect(text).toContain('c      two lines');
    expect(text).not.toContain('mermaid');
  });
});

describe('notifications', () => {
  it('gives each status its title and a short text', () => {
    expect(renderNotification(runResult('backup', [result()], undefined, ' in acme/app'))).toEqual({
      status: 'ok',
      title: 'dbops backup succeeded in acme/app',
      text: 'Backup of app complete',
    });
    const rotationFailed = result({ status: 'warning', title: 'Rotation failed: x' });
    expect(renderNotification(runResult('backup', [result(), rotationFailed], undefined))).toEqual({
      status: 'warning',
      title: 'dbops backup succeeded with warnings',
      text: 'Backup of app complete',
    });
    const failure = { message: 'A check failed', hint: 'Look.' };
    expect(renderNotification(runResult('restore-test', [result({ status: 'failure' })], failure))).toEqual({
      status: 'failure',
      title: 'dbops restore-test failed',
      text: 'A check failed Fix: Look.',
    });
    const title = ['Database health: UNKNOWN — ', code('prod')];
    const health: Result = { status: 'unknown', title, text: '2 checks could not run', blocks: [] };
    expect(renderNotification(health)).toEqual({
      status: 'warning',
      title: 'Database health: UNKNOWN — prod',
      text: '2 checks could not run',
    });
  });

  it('takes the headline from the model, not from rendered Markdown', () => {
    const context = { log: new MemoryLogger(), secrets: new Secrets(), env: {}, signal: new AbortController().signal };
    const listed = result({ status: 'info', title: ['2 backups in ', code('s3://b/p')] });
    const alert = alertFor('list', { outputs: { count: '2' }, results: [listed], json: null }, undefined, context);
    expect(alert).toMatchObject({
      status: 'ok',
      title: 'dbops list succeeded',
      text: '2 backups in s3://b/p',
      data: { count: '2' },
    });
  });
});
