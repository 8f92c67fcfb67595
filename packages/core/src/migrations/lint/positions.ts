/** Line and column (1-based, in characters) of a byte offset or character offset in a file's text. */
export class SourcePositions {
  private readonly bytes: Buffer;
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    this.bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < this.bytes.length; i++) if (this.bytes[i] === 0x0a) this.lineStarts.push(i + 1);
  }

  /** The parse tree's locations are byte offsets into the UTF-8 text. */
  atByte(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    const lineStart = this.lineStarts[low]!;
    const column = this.bytes.subarray(lineStart, Math.max(lineStart, offset)).toString('utf8').length + 1;
    return { line: low + 1, column };
  }

  /** The server's error cursor counts characters. */
  atCharacter(offset: number): { line: number; column: number } {
    return this.atByte(Buffer.byteLength(this.text.slice(0, offset)));
  }

  /** The text of a byte range. */
  slice(start: number, end: number): string {
    return this.bytes.subarray(start, end).toString('utf8');
  }
}
