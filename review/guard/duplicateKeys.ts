/**
 * The first key that appears twice in one JSON object of `text`, if any. JSON.parse keeps the
 * last value of a repeated key, while the daemon's Go decoder decodes both into the same struct,
 * merging them: `{"HostConfig":{"Isolation":"process"},"HostConfig":{}}` is process isolation to
 * the daemon and no isolation to JSON.parse. The guard refuses such a body. Assumes `text` is
 * valid JSON (JSON.parse has accepted it).
 */
export function duplicateKey(text: string): string | undefined {
    const stack: (Set<string> | undefined)[] = []; // a key set per open object, undefined per array
    let expectKey = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '"') {
            let j = i + 1;
            while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
            const top = stack[stack.length - 1];
            if (expectKey && top) {
                const key = JSON.parse(text.slice(i, j + 1)) as string;
                if (top.has(key)) return key;
                top.add(key);
                expectKey = false;
            }
            i = j;
        } else if (c === "{") {
            stack.push(new Set());
            expectKey = true;
        } else if (c === "[") {
            stack.push(undefined);
        } else if (c === "}" || c === "]") {
            stack.pop();
        } else if (c === ",") {
            expectKey = stack[stack.length - 1] !== undefined;
        }
    }
    return undefined;
}
