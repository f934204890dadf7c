/** A dockerode client for exactly one target, every request bounded by the timeout. */
import Docker from "dockerode";
import { Target } from "./target";

export function dockerFor(target: Target, timeoutMs: number): Docker {
    // docker-modem merges DOCKER_HOST/DOCKER_CERT_PATH defaults into whatever we pass, so every
    // connection field is set explicitly: the target alone decides where we connect.
    // The run's deadline (withDeadline) fires first and names the timeout; these only make sure
    // a stalled socket is destroyed soon after, instead of surfacing as a misleading reset.
    const socketTimeoutMs = timeoutMs + 2000;
    const common = { timeout: socketTimeoutMs, connectionTimeout: socketTimeoutMs, headers: {} };
    if (target.kind !== "tcp") {
        return new Docker({ ...common, socketPath: target.socketPath, host: undefined, port: undefined, protocol: "http", ca: undefined, cert: undefined, key: undefined });
    }
    return new Docker({
        ...common,
        host: target.host,
        port: target.port,
        protocol: "https",
        ca: target.tls.ca,
        cert: target.tls.cert,
        key: target.tls.key,
    });
}
