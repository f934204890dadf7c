/**
 * Serves recorded Engine API answers over HTTP on a unix socket (or 127.0.0.1), so that the
 * real dockerode client, fact gathering and judgement run unchanged against them.
 */
import * as http from "node:http";
import { AddressInfo } from "node:net";

export interface EngineRecording {
    readonly info: unknown;
    readonly containers: readonly unknown[];
    readonly inspect: Readonly<Record<string, unknown>>;
    readonly services: readonly unknown[];
    readonly tasks: readonly unknown[];
    /** `GET /containers/{id}/top` answers, by container id. */
    readonly top?: Readonly<Record<string, unknown>>;
    /** `GET /images/{id}/json` answers, by image id. */
    readonly images?: Readonly<Record<string, unknown>>;
}

export interface FakeEngine {
    /** Paths requested, without the API version prefix. */
    readonly requests: string[];
    readonly port?: number;
    close(): Promise<void>;
}

function answer(rec: EngineRecording, path: string): [number, unknown] {
    if (path === "/_ping") return [200, "OK"];
    if (path === "/info") return [200, rec.info];
    if (path === "/containers/json") return [200, rec.containers];
    if (path === "/services") return [200, rec.services];
    if (path === "/tasks") return [200, rec.tasks];
    const m = /^\/containers\/([^/]+)\/json$/.exec(path);
    if (m) return rec.inspect[m[1]] ? [200, rec.inspect[m[1]]] : [404, { message: `No such container: ${m[1]}` }];
    const t = /^\/containers\/([^/]+)\/top$/.exec(path);
    if (t) return rec.top?.[t[1]] ? [200, rec.top[t[1]]] : [404, { message: `No such container: ${t[1]}` }];
    const i = /^\/images\/([^/]+)\/json$/.exec(path);
    if (i) {
        const id = decodeURIComponent(i[1]);
        return rec.images?.[id] ? [200, rec.images[id]] : [404, { message: `No such image: ${id}` }];
    }
    return [404, { message: "page not found" }];
}

export function serveRecording(rec: EngineRecording, listen: { socketPath: string } | { host: "127.0.0.1" }): Promise<FakeEngine> {
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
        const path = (req.url ?? "/").split("?")[0].replace(/^\/v\d+\.\d+/, "");
        requests.push(path);
        const [status, body] = answer(rec, path);
        const text = typeof body === "string" ? body : JSON.stringify(body);
        res.writeHead(status, { "Content-Type": typeof body === "string" ? "text/plain" : "application/json", "Api-Version": "1.47", "Ostype": "windows" });
        res.end(text);
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        const done = () =>
            resolve({
                requests,
                port: "host" in listen ? (server.address() as AddressInfo).port : undefined,
                close: () => new Promise((r) => server.close(() => r())),
            });
        // A backlog as deep as the kernel allows: verify asks about every container at once (1,000 in bench:verify-witness).
        if ("socketPath" in listen) server.listen({ path: listen.socketPath, backlog: 4096 }, done);
        else server.listen(0, "127.0.0.1", done);
    });
}
