import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { parseDuration } from "@wms/config";
import { ConfigMap, Namespace, Service } from "kubernetes-models/v1";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { Job } from "kubernetes-models/batch/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";

// Every overlay renders with kustomize and every object validates against the Kubernetes
// schemas; then the properties a safe rollout depends on are checked on the rendered output.
const k8sDir = fileURLToPath(new URL("../../k8s", import.meta.url));
const overlays = readdirSync(join(k8sDir, "overlays"));
// Created outside git (README, "Kubernetes"): the only Secrets the manifests may reference.
const outOfBandSecrets = ["wms-keys", "wms-database", "wms-tls"];

interface Validatable {
  validate(): void;
}
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [k: string]: unknown };
const validators: Record<string, new (data: never) => Validatable> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "batch/v1/Job": Job,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "networking.k8s.io/v1/Ingress": Ingress,
};

function render(dir: string): K8sObject[] {
  const out = execFileSync("kubectl", ["kustomize", join(k8sDir, dir)], { encoding: "utf8" });
  return parseAllDocuments(out).map((doc) => doc.toJSON() as K8sObject);
}

const podSpec = (o: K8sObject): IPodSpec => (o.spec as { template: { spec: IPodSpec } }).template.spec;
const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const ours = (o: K8sObject) => o.metadata.labels?.["app.kubernetes.io/part-of"] === "wms";

describe.each(overlays)("k8s/overlays/%s", (overlay) => {
  const objects = render(join("overlays", overlay));
  const deployments = ofKind(objects, "Deployment").filter(ours) as Array<K8sObject & IDeployment>;
  const config = ofKind(objects, "ConfigMap").find((c) => c.metadata.name.startsWith("wms-config-"))?.data as Record<string, string>;

  it("renders objects that each validate against the Kubernetes schema", () => {
    expect(objects.length).toBeGreaterThan(20);
    for (const o of objects) {
      const Model = validators[`${o.apiVersion}/${o.kind}`];
      if (!Model) throw new Error(`no validator for ${o.apiVersion} ${o.kind} (${o.metadata.name}): add one to this test`);
      expect(() => new Model(o as never).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
    }
  });

  it("runs the five services, the gateway and the migrations from one image", () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(["gateway", "order", "product", "shop", "user", "warehouse"]);
    const images = new Set([...deployments, ...ofKind(objects, "Job")].map((w) => podSpec(w).containers[0]?.image));
    expect(images.size).toBe(1);
    const job = ofKind(objects, "Job").find((j) => j.metadata.name === "migrate");
    expect(job && podSpec(job).containers[0]?.args).toEqual(["migrate"]);
    expect(config.MIGRATE).toBe("false");
  });

  it("gives every workload resources and a non-root, read-only, capability-free security context", () => {
    const workloads = objects.filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind));
    for (const w of workloads) {
      const spec = podSpec(w);
      const where = `${w.kind}/${w.metadata.name}`;
      expect(spec.securityContext?.runAsNonRoot, where).toBe(true);
      expect(spec.automountServiceAccountToken, where).toBe(false);
      for (const c of spec.containers) {
        expect(c.securityContext?.readOnlyRootFilesystem, where).toBe(true);
        expect(c.securityContext?.allowPrivilegeEscalation, where).toBe(false);
        expect(c.securityContext?.capabilities?.drop, where).toContain("ALL");
        for (const kind of ["requests", "limits"] as const) {
          expect(c.resources?.[kind]?.cpu, `${where} ${kind}.cpu`).toBeDefined();
          expect(c.resources?.[kind]?.memory, `${where} ${kind}.memory`).toBeDefined();
        }
      }
    }
  });

  it("probes every gRPC service with native grpc probes on its gRPC port, and the gateway over HTTP", () => {
    for (const d of deployments) {
      const c = podSpec(d).containers[0] as IContainer;
      if (d.metadata.name === "gateway") {
        expect(c.readinessProbe?.httpGet?.path).toBe("/readyz");
        expect(c.livenessProbe?.httpGet?.path).toBe("/healthz");
        continue;
      }
      const grpcPort = c.ports?.find((p) => p.name === "grpc")?.containerPort;
      expect(grpcPort, d.metadata.name).toBeDefined();
      expect(c.readinessProbe?.grpc?.port, d.metadata.name).toBe(grpcPort);
      expect(c.livenessProbe?.grpc?.port, d.metadata.name).toBe(grpcPort);
    }
  });

  it("lets endpoints drain before SIGTERM and gives the drain more time than SHUTDOWN_GRACE", () => {
    const graceMs = parseDuration(config.SHUTDOWN_GRACE ?? "") ?? Number.NaN;
    expect(graceMs).toBeGreaterThan(0);
    for (const d of deployments) {
      const spec = podSpec(d);
      const preStop = spec.containers[0]?.lifecycle?.preStop?.exec?.command ?? [];
      expect(preStop[0], d.metadata.name).toBe("sleep");
      const pauseMs = Number(preStop[1]) * 1000;
      expect(pauseMs).toBeGreaterThan(0);
      expect((spec.terminationGracePeriodSeconds ?? 30) * 1000, d.metadata.name).toBeGreaterThan(pauseMs + graceMs);
    }
  });

  it("gives every Deployment a Service, a PodDisruptionBudget and an autoscaler; gRPC Services are headless with a port named grpc", () => {
    for (const d of deployments) {
      const name = d.metadata.name;
      const service = ofKind(objects, "Service").find((s) => s.metadata.name === name) as (K8sObject & { spec: { clusterIP?: string; ports: Array<{ name: string }> } }) | undefined;
      expect(service, name).toBeDefined();
      if (name !== "gateway") {
        expect(service?.spec.clusterIP, name).toBe("None");
        expect(service?.spec.ports.map((p) => p.name), name).toEqual(["grpc"]);
      }
      expect(ofKind(objects, "PodDisruptionBudget").some((p) => p.metadata.name === name), name).toBe(true);
      const hpa = ofKind(objects, "HorizontalPodAutoscaler").find((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === name);
      expect(hpa, name).toBeDefined();
      expect(d.spec?.replicas, `${name}: the autoscaler owns the replica count`).toBeUndefined();
    }
    expect(ofKind(objects, "Ingress").map((i) => i.metadata.name)).toEqual(["gateway"]);
  });

  it("keeps keys and passwords out of the ConfigMap and references only Secrets made outside git", () => {
    expect(Object.keys(config).filter((k) => /KEY|PASSWORD|SECRET|TOKEN/.test(k))).toEqual([]);
    expect(Object.values(config).filter((v) => /:\/\/[^/@]*:[^/@]*@/.test(v))).toEqual([]);
    expect(ofKind(objects, "Secret")).toEqual([]);
    const secretRefs = new Set<string>();
    for (const w of objects.filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind))) {
      for (const c of podSpec(w).containers) {
        for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) secretRefs.add(e.valueFrom.secretKeyRef.name ?? "");
        for (const e of c.envFrom ?? []) if (e.secretRef) secretRefs.add(e.secretRef.name ?? "");
      }
    }
    expect([...secretRefs]).toContain("wms-keys");
    for (const name of secretRefs) expect(outOfBandSecrets, name).toContain(name);
    const user = deployments.find((d) => d.metadata.name === "user");
    const signers = deployments.filter((d) => podSpec(d).containers[0]?.env?.some((e) => e.name === "JWT_PRIVATE_KEY"));
    expect(signers).toEqual([user]);
  });
});

describe("the overlays' data stores", () => {
  it("dev runs one PostgreSQL and one Redis in the cluster and points the services at them", () => {
    const objects = render("overlays/dev");
    const config = ofKind(objects, "ConfigMap")[0]?.data as Record<string, string>;
    expect(ofKind(objects, "StatefulSet").map((s) => s.metadata.name)).toEqual(["postgres"]);
    expect(ofKind(objects, "Deployment").some((d) => d.metadata.name === "redis")).toBe(true);
    expect(config.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
    expect(config.REDIS_URLS).toBe("redis://redis:6379");
  });

  it("prod uses an external primary with read replicas, three Redis nodes and a collector", () => {
    const objects = render("overlays/prod");
    const config = ofKind(objects, "ConfigMap")[0]?.data as Record<string, string>;
    expect(ofKind(objects, "StatefulSet")).toEqual([]);
    expect(config.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(config.DATABASE_REPLICA_URLS?.split(",").length).toBeGreaterThanOrEqual(2);
    expect(new Set(config.REDIS_URLS?.split(",")).size).toBe(3);
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toMatch(/^https?:\/\//);
  });
});
