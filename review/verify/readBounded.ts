/**
 * Reads an input file (a host process list, stack outputs) without ever blocking the run: the file
 * is opened non-blocking, a FIFO or `/dev/stdin` pipe is read as a stream the event loop watches,
 * a terminal through its stream, anything else in chunks; every path stops at the run's deadline
 * (the abort signal) or at `maxBytes`, whichever comes first. A FIFO nobody writes to, `/dev/zero`
 * or a file that keeps growing is then a one-line error, never a hang.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as tty from "node:tty";

export type Bounded = { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly error: string };

const CHUNK = 1 << 20;
/** How long to wait before reading again when a non-blocking device has nothing yet. */
const RETRY_MS = 20;

const STDIN_PATHS = ["/dev/stdin", "/proc/self/fd/0", "/dev/fd/0"];

const mib = (n: number) => `${Math.round(n / (1 << 20))} MiB`;

function open(file: string): Promise<number> {
    return new Promise((resolve, reject) => fs.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK, (err, fd) => (err ? reject(err) : resolve(fd))));
}

/** A pipe or terminal: event-driven, so waiting on it costs nothing and the deadline can end it. */
function readStream(stream: net.Socket | tty.ReadStream, what: string, maxBytes: number, signal: AbortSignal, deadline: string): Promise<Bounded> {
    return new Promise((resolve) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let done = false;
        const finish = (r: Bounded) => {
            if (done) return;
            done = true;
            signal.removeEventListener("abort", onAbort);
            stream.destroy();
            resolve(r);
        };
        const onAbort = () => finish({ ok: false, error: `${what} did not end within ${deadline}; give a file that ends (a FIFO or pipe must be written and closed)` });
        signal.addEventListener("abort", onAbort);
        stream.on("data", (d: Buffer) => {
            size += d.length;
            if (size > maxBytes) finish({ ok: false, error: `${what} is larger than ${mib(maxBytes)}; a host's process list is far smaller` });
            else chunks.push(d);
        });
        stream.on("end", () => finish({ ok: true, bytes: Buffer.concat(chunks) }));
        stream.on("error", (e: NodeJS.ErrnoException) => finish({ ok: false, error: `${what}: cannot read it (${e.code ?? e.message})` }));
        if (signal.aborted) onAbort();
    });
}

/** A regular file or a device: chunk by chunk, checking the deadline and the size between chunks. */
async function readChunks(fd: number, what: string, maxBytes: number, signal: AbortSignal, deadline: string): Promise<Bounded> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
        for (;;) {
            if (signal.aborted) return { ok: false, error: `${what} did not end within ${deadline}; give a file that ends` };
            const buf = Buffer.allocUnsafe(CHUNK);
            let n: number;
            try {
                n = await new Promise<number>((resolve, reject) => fs.read(fd, buf, 0, CHUNK, null, (err, read) => (err ? reject(err) : resolve(read))));
            } catch (e) {
                if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
                await new Promise((r) => setTimeout(r, RETRY_MS));
                continue;
            }
            if (n === 0) return { ok: true, bytes: Buffer.concat(chunks) };
            size += n;
            if (size > maxBytes) return { ok: false, error: `${what} is larger than ${mib(maxBytes)}; a host's process list is far smaller` };
            chunks.push(buf.subarray(0, n));
        }
    } catch (e) {
        return { ok: false, error: `${what}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
    } finally {
        fs.close(fd, () => undefined);
    }
}

/**
 * The whole file, or why not: `what` names it in every message ("--host-processes 'x'"),
 * `deadline` says what ran out ("the run's deadline (--timeout 10s)").
 */
export async function readBounded(file: string, what: string, maxBytes: number, signal: AbortSignal, deadline: string): Promise<Bounded> {
    let fd: number;
    try {
        fd = await open(file);
    } catch (e) {
        // /dev/stdin on a socket (what a parent process's 'pipe' often is) cannot be opened again: read this process's own stdin.
        if ((e as NodeJS.ErrnoException).code === "ENXIO" && STDIN_PATHS.includes(file)) fd = 0;
        else return { ok: false, error: `${what}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
    }
    let stat: fs.Stats;
    try {
        stat = fs.fstatSync(fd);
    } catch (e) {
        fs.close(fd, () => undefined);
        return { ok: false, error: `${what}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
    }
    if (stat.isDirectory()) {
        fs.close(fd, () => undefined);
        return { ok: false, error: `${what} is a directory, not a file` };
    }
    if (stat.isFile() && stat.size > maxBytes) {
        fs.close(fd, () => undefined);
        return { ok: false, error: `${what} is ${mib(stat.size)}, larger than ${mib(maxBytes)}; a host's process list is far smaller` };
    }
    if (stat.isFIFO() || stat.isSocket()) return readStream(new net.Socket({ fd, readable: true, writable: false }), what, maxBytes, signal, deadline);
    if (tty.isatty(fd)) return readStream(new tty.ReadStream(fd), what, maxBytes, signal, deadline);
    return readChunks(fd, what, maxBytes, signal, deadline);
}
