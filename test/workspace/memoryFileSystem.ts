// An in-memory FileSystem for workspace and feature tests: files, folders and symlinks, no disk.
import * as path from 'node:path';
import type { DirEntry, FileBytes, FileStamp, FileStat, FileSystem } from '../../server/src/workspace/fileSystem';

type Node = { kind: 'file'; data: Uint8Array; writable: boolean } | { kind: 'dir' } | { kind: 'link'; target: string };

export class MemoryFileSystem implements FileSystem {
  readonly nodes = new Map<string, Node>();

  constructor(files: Record<string, string | Uint8Array> = {}) {
    this.nodes.set('/', { kind: 'dir' });
    for (const [p, content] of Object.entries(files)) this.write(p, content);
  }

  write(p: string, content: string | Uint8Array, writable = true): void {
    this.mkdirs(path.dirname(p));
    this.nodes.set(p, { kind: 'file', data: typeof content === 'string' ? new TextEncoder().encode(content) : content, writable });
  }

  symlink(p: string, target: string): void {
    this.mkdirs(path.dirname(p));
    this.nodes.set(p, { kind: 'link', target });
  }

  text(p: string): string {
    const node = this.nodes.get(p);
    if (node?.kind !== 'file') throw new Error(`no file ${p}`);
    return new TextDecoder().decode(node.data);
  }

  private mkdirs(dir: string): void {
    for (let d = dir; !this.nodes.has(d); d = path.dirname(d)) this.nodes.set(d, { kind: 'dir' });
  }

  /** Follows symlinks (at most 40, like the kernel) to the final node. */
  private resolve(p: string): { path: string; node: Node } | undefined {
    let current = p;
    for (let hops = 0; hops < 40; hops++) {
      // Resolve links in parent folders first.
      const parts = current.split('/').filter(Boolean);
      let real = '/';
      for (let i = 0; i < parts.length; i++) {
        const next = path.join(real, parts[i]);
        const node = this.nodes.get(next);
        if (node?.kind === 'link' && i < parts.length - 1) {
          const target = path.resolve(real, node.target);
          return this.resolve(path.join(target, ...parts.slice(i + 1)));
        }
        real = next;
      }
      const node = this.nodes.get(real);
      if (!node) return undefined;
      if (node.kind !== 'link') return { path: real, node };
      current = path.resolve(path.dirname(real), node.target);
    }
    return undefined;
  }

  async readRegularFile(p: string, maxBytes: number, unless?: FileStamp): Promise<FileBytes | 'unchanged' | 'symlink' | 'not-a-file' | undefined> {
    const file = this.regularFile(p);
    if (typeof file !== 'object') return file;
    return unless && unless.mtimeMs === 0 && unless.size === file.data.length ? 'unchanged' : { bytes: file.data.subarray(0, maxBytes), size: file.data.length, mtimeMs: 0 };
  }

  /** In parts of an odd size, so that what takes a file apart meets boundaries anywhere. */
  async streamRegularFile(p: string, onPart: (part: Uint8Array, size: number) => void): Promise<Omit<FileBytes, 'bytes'> | 'symlink' | 'not-a-file' | undefined> {
    const file = this.regularFile(p);
    if (typeof file !== 'object') return file;
    for (let at = 0; at < file.data.length; at += 4093) onPart(file.data.subarray(at, at + 4093), file.data.length);
    return { size: file.data.length, mtimeMs: 0 };
  }

  private regularFile(p: string) {
    if (this.nodes.get(p)?.kind === 'link') return 'symlink';
    const r = this.resolve(p);
    if (!r) return undefined;
    return r.node.kind === 'file' ? r.node : 'not-a-file';
  }

  async stat(p: string): Promise<FileStat | undefined> {
    const r = this.resolve(p);
    if (!r) return undefined;
    const file = r.node.kind === 'file' ? r.node : undefined;
    return { isFile: Boolean(file), isDirectory: r.node.kind === 'dir', size: file?.data.length ?? 0, mtimeMs: 0, writable: file?.writable ?? true };
  }

  async *readDirectory(dir: string): AsyncIterable<DirEntry[]> {
    const r = this.resolve(dir);
    if (r?.node.kind !== 'dir') throw new Error(`ENOTDIR: ${dir}`);
    const out: DirEntry[] = [];
    for (const [p, node] of this.nodes) {
      if (p !== r.path && path.dirname(p) === r.path) {
        out.push({ name: path.basename(p), isFile: () => node.kind === 'file', isDirectory: () => node.kind === 'dir', isSymbolicLink: () => node.kind === 'link' });
      }
    }
    yield out;
  }

  async realPath(p: string): Promise<string | undefined> {
    return this.resolve(p)?.path;
  }

  async readLink(p: string): Promise<string | undefined> {
    const node = this.nodes.get(p);
    return node?.kind === 'link' ? node.target : undefined;
  }

  async isSymbolicLink(p: string): Promise<boolean> {
    return this.nodes.get(p)?.kind === 'link';
  }

  async writeFileAtomic(p: string, data: string | Uint8Array | Iterable<Uint8Array>): Promise<void> {
    this.write(p, typeof data === 'string' || data instanceof Uint8Array ? data : Buffer.concat([...data]));
  }

  async makeDirectory(p: string): Promise<void> {
    this.mkdirs(p);
  }

  async replaceSymlink(p: string, target: string): Promise<void> {
    this.symlink(p, target);
  }
}
