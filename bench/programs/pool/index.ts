/**
 * bench:plan's large program: a ContainerHostPool of `hosts` Azure hosts with `workloads`
 * workloads, through the components (stack `component`) or as the same resources written raw
 * (stack `raw`). BENCH_PLAN_WORKLOADS overrides the stack's workload count. Three hosts cannot hold
 * 2,000 workloads' Hyper-V allowances: the pool allows overcommit (its capacity is not measured here).
 */
import * as pulumi from "@pulumi/pulumi";
import { declarePoolProgram } from "../../declarePool";

const config = new pulumi.Config();
const mode = config.require("mode");
if (mode !== "component" && mode !== "raw") throw new Error(`pool-bench:mode '${mode}' must be component or raw`);
const workloads = Number(process.env.BENCH_PLAN_WORKLOADS ?? config.requireNumber("workloads"));
declarePoolProgram(mode, workloads, config.requireNumber("hosts"), true);
