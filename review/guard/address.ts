/**
 * The addresses the guard listens on, as the daemon's plugin client dials them (moby pkg/plugins
 * client.go newTransport + go-connections sockets): `unix:///path.sock`, `tcp://127.0.0.1:<port>`
 * and, on Windows, `npipe:////./pipe/<name>`. A TCP guard listens on loopback only: the daemon
 * sends every request of every client to it.
 */
export type ListenAddress =
    | { readonly scheme: "unix"; readonly path: string; readonly url: string }
    | { readonly scheme: "tcp"; readonly host: string; readonly port: number; readonly url: string }
    | { readonly scheme: "npipe"; readonly pipe: string; readonly url: string };

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];

export function parseListenAddress(text: string): { ok: true; address: ListenAddress } | { ok: false; problem: string } {
    const fix = "use unix:///path/guard.sock, tcp://127.0.0.1:<port> or npipe:////./pipe/<name>";
    let m = /^unix:\/\/(\/.+)$/.exec(text);
    if (m) return { ok: true, address: { scheme: "unix", path: m[1], url: text } };
    m = /^tcp:\/\/([^/:]+|\[::1\]):(\d+)$/.exec(text);
    if (m) {
        const port = Number(m[2]);
        if (!LOOPBACK.includes(m[1])) return { ok: false, problem: `--listen ${text}: the guard listens on loopback only (every request of every client passes through it); ${fix}` };
        if (port < 1 || port > 65535) return { ok: false, problem: `--listen ${text}: port ${m[2]} is not a TCP port; ${fix}` };
        return { ok: true, address: { scheme: "tcp", host: m[1] === "[::1]" ? "::1" : m[1], port, url: text } };
    }
    m = /^npipe:\/\/\/\/\.\/pipe\/([^/\\]+)$/.exec(text);
    if (m) return { ok: true, address: { scheme: "npipe", pipe: `\\\\.\\pipe\\${m[1]}`, url: text } };
    return { ok: false, problem: `--listen ${JSON.stringify(text)} is not an address the daemon's plugin client dials; ${fix}` };
}

/** The plugin spec file's content (`<name>.spec` in a plugin discovery folder): the address, one line. */
export function specFileContent(address: ListenAddress): string {
    return `${address.url}\n`;
}
