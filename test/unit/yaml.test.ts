/**
 * The from-scratch YAML parser (nodes/shared/yaml.ts), checked against the
 * `yaml` package (eemeli/yaml, a devDependency) as an oracle on a corpus of
 * real-world shaped documents, plus error, divergence and safety tests.
 */
import { parse as oracleParse } from 'yaml';

import { parseYaml, YamlSyntaxError } from '../../nodes/shared/yaml';

/** What `yaml` returns for a document (core schema, merge keys on). */
function oracle(doc: string): unknown {
	// logLevel 'error': warnings (e.g. for unknown tags) are not printed.
	return oracleParse(doc, { merge: true, logLevel: 'error' });
}

/** The error `parseYaml` throws for a document (fails the test if it does not throw). */
function syntaxError(doc: string): YamlSyntaxError {
	try {
		parseYaml(doc);
	} catch (error) {
		expect(error).toBeInstanceOf(YamlSyntaxError);
		return error as YamlSyntaxError;
	}
	throw new Error(`Expected a YamlSyntaxError for ${JSON.stringify(doc)}`);
}

// ---------------------------------------------------------------------------
// Corpus
// ---------------------------------------------------------------------------

/** RED experiment files (Curious Containers), as users write them. */
const redDocuments: Array<[string, string]> = [
	[
		'RED 8 grepwrap example (seed 004)',
		`redVersion: "8"
cli:
  cwlVersion: "v1.0"
  class: "CommandLineTool"
  baseCommand: "grepwrap"
  doc: "Search for query terms in text files."

  inputs:
    query_term:
      type: "string"
      inputBinding:
        position: 0
      doc: "Search for QUERY_TERM in TEXT_FILE."
    text_file:
      type: "File"
      inputBinding:
        position: 1
      doc: "TEXT_FILE containing plain text."
    after_context:
      type: "int?"
      inputBinding:
        prefix: "-A"
      doc: "Print NUM lines of trailing context after matching lines."
    before_context:
      type: "int?"
      inputBinding:
        prefix: "-B"
      doc: "Print NUM lines of leading context before matching lines."

  outputs:
    out_file:
      type: "File"
      outputBinding:
        glob: "out.txt"
      doc: "Query results."

container:
  engine: "docker"
  settings:
    image:
      url: "docker.io/copla/grepwrap"
    ram: 256

inputs:
  query_term: "QU"
  text_file:
    class: "File"
    connector:
      command: "red-connector-http"
      access:
        url: "https://raw.githubusercontent.com/curious-containers/vagrant-quickstart/master/in.txt"
  before_context: 1

outputs:
  out_file:
    class: "File"
    connector:
      command: "red-connector-http"
      access:
        url: "https://example.com/out.txt"

execution:
  engine: "ccagency"
  settings:
    retryIfFailed: True
    batchConcurrencyLimit: 8
`,
	],
	[
		'RED 9 single batch, unquoted style, stdout output',
		`redVersion: '9'
cli:
  cwlVersion: v1.0
  class: CommandLineTool
  baseCommand: echo
  inputs:
    msg:
      type: string
      inputBinding:
        position: 0
  outputs:
    out:
      type: stdout
  stdout: out.txt
inputs:
  msg: hello world
outputs: {}
container:
  engine: docker
  settings:
    image:
      url: docker.io/busybox:latest
    ram: 256
execution:
  engine: ccagency
  settings:
    batchConcurrencyLimit: 2
    disableConnectorValidation: false
`,
	],
	[
		'RED 9 multi-batch with list inputs and Directory outputs',
		`redVersion: "9"
doc: |
  Runs the segmentation pipeline on two subjects.
  Results are uploaded over SSH.
cli:
  cwlVersion: v1.0
  class: CommandLineTool
  baseCommand: [python3, -m, segment]
  inputs:
    subject:
      type: string
      inputBinding: {position: 0}
    thresholds:
      type: float[]?
      inputBinding:
        prefix: --thresholds
        itemSeparator: ","
        separate: true
    scans:
      type: Directory
      inputBinding: {prefix: --scans, position: 1}
    verbose:
      type: boolean?
      inputBinding: {prefix: -v}
  outputs:
    results:
      type: Directory
      outputBinding:
        glob: results
batches:
  - inputs:
      subject: sub-01
      thresholds: [0.25, 0.5, 1.0e-3]
      verbose: true
      scans:
        class: Directory
        connector:
          command: red-connector-ssh
          mount: true
          access:
            host: storage.example.org
            port: 22
            auth:
              username: "{{ssh_user}}"
              password: "{{ssh_password}}"
            dirPath: /data/sub-01
    outputs:
      results:
        class: Directory
        connector:
          command: red-connector-ssh
          access: {host: storage.example.org, auth: {username: alice, _password: secret}, dirPath: /out/sub-01}
  - inputs:
      subject: sub-02
      thresholds: []
      scans:
        class: Directory
        connector:
          command: red-connector-ssh
          access:
            host: storage.example.org
            dirPath: /data/sub-02
    outputs: {}
container:
  engine: docker
  settings:
    image:
      url: registry.example.org/lab/segment:2.1.0
      auth:
        username: deploy
        password: "p@ss: word # not a comment"
    ram: 4096
    gpus:
      vendor: nvidia
      devices:
        - vramMin: 8192
        - vramMin: 4096
execution:
  engine: ccagency
  settings:
    access:
      url: https://agency.example.org/cc
      auth:
        username: '{{agency_user}}'
        password: '{{agency_password}}'
    batchConcurrencyLimit: 4
`,
	],
	[
		'RED with cloud section, File input details and comments',
		`# Experiment for the MRI preprocessing step
redVersion: "9"   # current format
cli:
  cwlVersion: v1.0
  class: CommandLineTool
  baseCommand:
    - /usr/local/bin/preprocess
    - --mode=fast
  inputs:
    image_file:
      type: File
      inputBinding:
        position: 0
      doc: >-
        The NIfTI image to process. It is downloaded
        before the container starts.
    iterations:
      type: int
      inputBinding: {prefix: -n, separate: false}
  outputs:
    log:
      type: stderr
    image_out:
      type: File?
      outputBinding: {glob: "*.nii.gz"}
  stderr: errors.log
inputs:
  iterations: 10
  image_file:
    class: File
    basename: t1.nii.gz
    checksum: sha1$2f5e1a30b7a3c1a5ad3b0a1e3c9d1f4b5a6e7d8c
    size: 1048576
    connector:
      command: red-connector-http
      access:
        url: https://data.example.org/t1.nii.gz
        method: GET
        headers: {Accept: application/octet-stream}
outputs:
  image_out:
    class: File
    connector:
      command: red-connector-http
      access: {url: "https://upload.example.org/out", method: PUT}
cloud:
  enable: false
  mountProtocol: ssh
  mountDir: /cloud
container:
  engine: docker
  settings:
    image: {url: "docker.io/lab/preprocess:1.0"}
    ram: 1024
    version: "19.03"
`,
	],
	[
		'experiment document from GET /experiments/{id} (JSON is YAML)',
		`{"_id":"6b021be804cc1c6920ea5dd6",
 "cli":{"baseCommand":"echo","class":"CommandLineTool","cwlVersion":"v1.0",
        "inputs":{"msg":{"inputBinding":{"position":0},"type":"string"}},"outputs":{},"stdout":"out.txt"},
 "container":{"engine":"docker","settings":{"image":{"url":"docker.io/busybox:latest"},"ram":256}},
 "execution":{"engine":"ccagency","settings":{"batchConcurrencyLimit":2,"disableConnectorValidation":false,"retryIfFailed":true}},
 "protectedKeysVoided":false,"redVersion":"9","registrationTime":1795300328.7201915,"username":"alice"}
`,
	],
	[
		'batch document from GET /batches/{id} (JSON is YAML)',
		`{"_id":"6b021cda7a1f72e6c7522e01","attempts":1,"batchesListIndex":0,
 "cliStderr":"e1bd693a-d861-4b4b-ab1f-d4b4f3eceec7.stderr","cliStdout":"out.txt",
 "experimentId":"6b021cda7a1f72e6c7522e00",
 "history":[
  {"ccagent":null,"debugInfo":null,"node":null,"state":"registered","time":1795300570.434},
  {"ccagent":null,"debugInfo":null,"node":"node_a","state":"scheduled","time":1795300570.447},
  {"ccagent":null,"debugInfo":null,"node":"node_a","state":"processing","time":1795300570.478},
  {"ccagent":{"command":["echo"],"debugInfo":null,"inputs":{},"outputs":{},
              "process":{"executed":true,"returnCode":0,"stderr":"e1bd.stderr","stdout":"out.txt"},"state":"succeeded"},
   "debugInfo":null,"node":"node_a","state":"succeeded","time":1795300571.509}],
 "inputs":{"msg":"hello"},"mount":false,"node":"node_a","notificationsSent":true,"outputs":{},
 "protectedKeysVoided":true,"registrationTime":1795300570.434,"state":"succeeded","usedGPUs":null,
 "usedSpecifiedStderr":false,"usedSpecifiedStdout":true,"username":"alice"}
`,
	],
	[
		'failed batch written as block YAML with a multi-line debugInfo',
		`_id: 6b021cda7a1f72e6c7522e02
attempts: 2
state: failed
history:
- state: registered
  node: null
  ccagent: null
  debugInfo: null
  time: 1795300570.434
- state: failed
  node: node_a
  time: 1795300580.5
  ccagent:
    command: [unknown_command]
    process: {executed: false, returnCode: null, stdout: null, stderr: null}
    outputs: null
    state: failed
    debugInfo:
    - '[ExecutionError]'
    - Command "unknown_command" not in PATH.
  debugInfo: "Batch failed.\\nContainer stderr:\\n[ExecutionError]\\nCommand \\"unknown_command\\" not in PATH.\\n\\n\\ndebug info:\\n[…]"
usedGPUs: ~
mount: no
`,
	],
	[
		'RED with anchors shared between batches',
		`redVersion: "9"
cli:
  cwlVersion: v1.0
  class: CommandLineTool
  baseCommand: wc
  inputs:
    f: {type: File, inputBinding: {position: 0}}
  outputs: {}
  stdout: counts.txt
x-connector: &http
  command: red-connector-http
  mount: false
batches:
  - inputs:
      f:
        class: File
        connector:
          <<: *http
          access: {url: "https://example.org/a.txt"}
    outputs: {}
  - inputs:
      f:
        class: File
        connector:
          <<: *http
          access: {url: "https://example.org/b.txt"}
    outputs: {}
container:
  engine: docker
  settings: {image: {url: "busybox"}, ram: 256}
`,
	],
];

/** CWL command line tools and workflows. */
const cwlDocuments: Array<[string, string]> = [
	[
		'CWL tool with requirements, expressions and arguments',
		`#!/usr/bin/env cwl-runner
cwlVersion: v1.0
class: CommandLineTool
label: Sort lines
requirements:
  - class: DockerRequirement
    dockerPull: "debian:stable-slim"
  - class: InlineJavascriptRequirement
  - class: ResourceRequirement
    coresMin: 2
    ramMin: 1024
hints:
  SoftwareRequirement:
    packages:
      coreutils:
        version: ["8.30"]
baseCommand: sort
arguments:
  - valueFrom: '$(inputs.reverse ? "-r" : "")'
    position: 0
  - prefix: -o
    valueFrom: sorted.txt
inputs:
  reverse:
    type: boolean
    default: false
  infile:
    type: File
    inputBinding:
      position: 1
    format: edam:format_1964
outputs:
  sorted:
    type: File
    outputBinding:
      glob: sorted.txt
$namespaces:
  edam: http://edamontology.org/
$schemas:
  - https://edamontology.org/EDAM_1.18.owl
`,
	],
	[
		'CWL workflow with steps and sources',
		`cwlVersion: v1.0
class: Workflow
inputs:
  tarball: File
  name_of_file_to_extract: string
outputs:
  compiled_class:
    type: File
    outputSource: compile/classfile
steps:
  untar:
    run: tar-param.cwl
    in:
      tarfile: tarball
      extractfile: name_of_file_to_extract
    out: [extracted_file]
  compile:
    run: arguments.cwl
    in:
      src: untar/extracted_file
    out: [classfile]
`,
	],
	[
		'CWL tool with a shell script in a literal block and secondary files',
		`cwlVersion: v1.0
class: CommandLineTool
baseCommand: [bash, -c]
arguments:
  - |
    set -euo pipefail
    for f in *.bam; do
      samtools index "$f"   # index every file
    done

    echo "done: $(ls | wc -l) files"
inputs:
  bams:
    type:
      type: array
      items: File
    secondaryFiles:
      - .bai
      - ^.bai
stdout: log.txt
outputs:
  log: stdout
`,
	],
	[
		'CWL with type unions and enums',
		`cwlVersion: v1.0
class: CommandLineTool
baseCommand: convert
inputs:
  mode:
    type:
      type: enum
      symbols: [fast, slow, "very slow"]
    inputBinding: {prefix: --mode}
  level:
    type: [ "null", int, float ]
    default: null
  extra:
    type:
      - "null"
      - type: array
        items: string
        inputBinding: {prefix: -x}
outputs: []
`,
	],
	[
		'CWL packed with $graph and ids',
		`cwlVersion: v1.0
$graph:
- id: "#main"
  class: Workflow
  inputs: []
  outputs: []
  steps:
  - id: "#main/step1"
    run: "#tool1"
    in: []
    out: []
- id: "#tool1"
  class: CommandLineTool
  baseCommand: "true"
  inputs: []
  outputs: []
`,
	],
];

/** docker-compose, Kubernetes, CI and other configuration files. */
const configDocuments: Array<[string, string]> = [
	[
		'docker-compose with anchors, merges and port strings',
		`version: "3.9"

x-defaults: &defaults
  restart: unless-stopped
  logging:
    driver: json-file
    options: {max-size: "10m", max-file: "3"}
  environment: &env
    TZ: Europe/Berlin
    LOG_LEVEL: info

services:
  agency:
    <<: *defaults
    image: curiouscontainers/cc-agency:9.3.0
    ports:
      - "8080:8080"
      - 127.0.0.1:9000:9000
    environment:
      <<: *env
      LOG_LEVEL: debug
    volumes:
      - ./agency.yml:/etc/cc-agency.yml:ro
      - type: volume
        source: data
        target: /data
    depends_on: [mongo]
    command: ["cc-agency-controller", "--config", "/etc/cc-agency.yml"]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8080/"]
      interval: 30s
      timeout: 10s
      retries: 3
  mongo:
    <<: *defaults
    image: mongo:4.4
    user: "999:999"
volumes:
  data: {}
`,
	],
	[
		'docker-compose with environment list and long folded command',
		`services:
  worker:
    image: python:3.12-slim
    environment:
      - PYTHONUNBUFFERED=1
      - DATABASE_URL=postgres://user:pass@db:5432/app
      - "FEATURE_FLAGS=a,b,c"
    command: >
      sh -c "pip install -r requirements.txt
      && python worker.py --queue default
      --concurrency 4"
    deploy:
      resources:
        limits:
          cpus: '0.50'
          memory: 512M
    extra_hosts:
      - "host.docker.internal:host-gateway"
`,
	],
	[
		'Kubernetes Deployment with sequences at key indentation',
		`apiVersion: apps/v1
kind: Deployment
metadata:
  name: cc-agency
  namespace: research
  labels:
    app.kubernetes.io/name: cc-agency
    app.kubernetes.io/version: "9.3"
  annotations:
    deployment.kubernetes.io/revision: "3"
spec:
  replicas: 2
  selector:
    matchLabels:
      app: cc-agency
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
  template:
    metadata:
      labels:
        app: cc-agency
    spec:
      containers:
      - name: agency
        image: curiouscontainers/cc-agency:9.3.0
        imagePullPolicy: IfNotPresent
        args:
        - --port=8080
        - --log-level
        - info
        ports:
        - containerPort: 8080
          protocol: TCP
        env:
        - name: MONGO_HOST
          value: mongo
        - name: MONGO_PASSWORD
          valueFrom:
            secretKeyRef: {name: mongo, key: password}
        resources:
          requests: {cpu: 250m, memory: 256Mi}
          limits:
            cpu: "1"
            memory: 1Gi
        readinessProbe:
          httpGet: {path: /, port: 8080}
          initialDelaySeconds: 5
      tolerations: []
      nodeSelector:
        kubernetes.io/os: linux
`,
	],
	[
		'Kubernetes ConfigMap with embedded files',
		`apiVersion: v1
kind: ConfigMap
metadata:
  name: agency-config
data:
  cc-agency.yml: |
    broker:
      external_url: "https://agency.example.org/cc"
      auth:
        num_login_attempts: 3
        block_for_seconds: 120
    controller:
      scheduling_interval_seconds: 60
  nginx.conf: |-
    server {
        listen 80;
        location / {
            proxy_pass http://127.0.0.1:8080;
        }
    }
  empty: ""
  motd: >
    Welcome to the

    research cluster.
`,
	],
	[
		'Kubernetes Service, compact and flow styles',
		`apiVersion: v1
kind: Service
metadata: {name: agency, labels: {app: cc-agency}}
spec:
  type: ClusterIP
  selector: {app: cc-agency}
  ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]
`,
	],
	[
		'GitHub Actions workflow',
		`name: CI
on:
  push:
    branches: [ main ]
    tags: [ 'v*' ]
  pull_request:
  workflow_dispatch:
    inputs:
      debug:
        description: 'Enable debug logging'
        required: false
        default: 'false'
env:
  NODE_VERSION: 20
  CI: true
jobs:
  test:
    runs-on: \${{ matrix.os }}
    strategy:
      fail-fast: false
      matrix:
        os: [ubuntu-latest, windows-latest]
        node: [ 18, 20, 22 ]
        include:
          - os: ubuntu-latest
            coverage: true
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: \${{ matrix.node }}
          cache: npm
      - run: npm ci
      - name: Test
        run: |
          npm run lint
          npm test -- --coverage=\${{ matrix.coverage || false }}
      - name: Upload
        if: \${{ matrix.coverage }}
        uses: codecov/codecov-action@v4
`,
	],
	[
		'GitLab CI with hidden jobs, merges and sequences of aliases',
		`stages: [build, test, deploy]

.node: &node
  image: node:20
  before_script:
    - npm ci
  cache: &cache
    key: \${CI_COMMIT_REF_SLUG}
    paths: [node_modules/]

.rules: &rules
  rules:
    - if: '$CI_PIPELINE_SOURCE == "merge_request_event"'
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

build:
  <<: [*node, *rules]
  stage: build
  script: npm run build
  artifacts:
    paths:
      - dist/
    expire_in: 1 week

test:
  <<: *node
  stage: test
  cache:
    <<: *cache
    policy: pull
  script:
    - npm test
    - >
      npx eslint .
      --max-warnings 0
`,
	],
	[
		'Ansible-style playbook',
		`---
- name: Configure agency hosts
  hosts: agency
  become: yes
  vars:
    packages:
      - docker.io
      - python3-pip
    mongo_port: 27017
  tasks:
    - name: Install packages
      apt:
        name: "{{ packages }}"
        state: present
        update_cache: true
    - name: Write config
      copy:
        dest: /etc/cc-agency.yml
        mode: "0644"
        content: |
          broker:
            external_url: https://{{ inventory_hostname }}/cc
      notify: restart agency
  handlers:
    - name: restart agency
      service: name=cc-agency state=restarted
...
`,
	],
	[
		'OpenAPI fragment with quoted keys and enums',
		`openapi: 3.0.3
info:
  title: CC-Agency API
  version: 9.3.0
  description: |
    REST API of **CC-Agency**.

    Authentication uses HTTP basic auth or a token.
paths:
  /experiments/{id}:
    get:
      operationId: getExperiment
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: string, pattern: "^[0-9a-f]{24}$"}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Experiment"}
        '404': {description: Not found}
        default:
          description: Error
components:
  schemas:
    State:
      type: string
      enum: [registered, scheduled, processing, succeeded, failed, cancelled]
`,
	],
	[
		'agency configuration with comments everywhere',
		`# CC-Agency configuration
broker:                      # the REST API
  external_url: "https://agency.example.org/cc"
  auth:
    num_login_attempts: 3    # before blocking
    block_for_seconds: 120
    tokens_valid_for_seconds: 86400   # one day

    # more settings follow

controller:
  bind_socket_path: ~/.cache/cc-agency-controller
  docker:
    nodes:
      node1:
        base_url: "tcp://10.0.0.1:2376"
        tls:
          verify: /etc/docker/ca.pem
          client_cert: ['/etc/docker/cert.pem', /etc/docker/key.pem]
          assert_hostname: False
      node2: {base_url: "unix://var/run/docker.sock", environment: {A: 1}}
mongo:
  host: localhost
  port: 27017
  db: ccagency
  username: ccadmin
  password: "#not-a-comment"
trustee:
  internal_url: http://127.0.0.1:6001
  username: cctrustee
  password: 'it''s secret'
`,
	],
	[
		'Helm values with nulls, empty values and numbers',
		`replicaCount: 1
image:
  repository: nginx
  pullPolicy: IfNotPresent
  tag: ""
imagePullSecrets: []
nameOverride:
fullnameOverride: ~
serviceAccount:
  create: true
  annotations: {}
  name: null
podSecurityContext: {}
resources: {}
autoscaling:
  enabled: false
  minReplicas: 1
  maxReplicas: 100
  targetCPUUtilizationPercentage: 80
nodeSelector: {}
tolerations: []
affinity: {}
`,
	],
];

/** Scalars, styles and structures people run into. */
const edgeCaseDocuments: Array<[string, string]> = [
	[
		'core schema resolution of plain scalars',
		`nulls: [null, Null, NULL, ~, ]
empty:
bools: [true, True, TRUE, false, False, FALSE]
not_bools: [yes, no, on, off, y, n, tRUE]
ints: [0, 7, -12, +3, 007, 0o17, 0x1F, 0xff]
floats: [1.5, -0.25, .5, 1., 1.10, 6.02e23, 1E-3, +1e+3, .inf, -.Inf, +.INF, .nan, .NaN]
strings: [v1.0, 1.2.3, 0b101, 0x, 1_000, 12:30:00, 2001-12-14, 0o8, 1e, "9", '10', +, ., -x]
`,
	],
	[
		'double-quoted escapes and folding',
		`escapes: "tab\\tnewline\\nquote\\"backslash\\\\slash\\/ bell\\a nul\\0 esc\\e"
unicode: "\\u00e9 \\U0001F600 \\x41 \\N \\_ \\L \\P"
folded: "first line
  second line

  new paragraph   
  last"
joined: "no \\
  space"
spaces: "  padded  "
empty: ""
`,
	],
	[
		'single-quoted scalars',
		`simple: 'text'
quote: 'it''s'
folded: 'one
  two

  three'
hash: '# not a comment'
colon: 'a: b'
empty: ''
`,
	],
	[
		'plain multi-line scalars',
		`key: this is a long
  plain scalar that spans
  several lines

  with an empty line
other: value with # hash inside? no: after space it is a comment
url: http://example.org/a#fragment
colons: a:b:c
list:
  - one
    continued
  - two
dash: -not a sequence
`,
	],
	[
		'literal and folded block scalars with chomping',
		`clip: |
  text

strip: |-
  text

keep: |+
  text

folded: >
  one
  two

  three
folded_strip: >-
  a
  b
folded_keep: >+
  a

more_indented: >
  normal
    indented one
    indented two
  back to normal
literal_with_indent: |
  first
    second
  third
trailing_spaces: |
  keep   
  these  
`,
	],
	[
		'block scalar indentation indicators',
		`explicit: |2
    leading spaces kept
  base
seq:
- |1
  one extra space
- >2
    more
   text
keep_empty: |+

last: end
`,
	],
	[
		'block scalar at document level and with comment in header',
		`--- |  # a comment
  Hello,
  world!
`,
	],
	[
		'compact nested sequences and mappings',
		`- - a
  - b
- - - deep
- key: value
  other: value
- [flow, in, block]
-   spaced: entry
    second: entry
- !!str 123
-
  - on next line
`,
	],
	[
		'sequences as mapping values at the key indentation',
		`first:
- a
- b
second:
  - c
nested:
  inner:
  - x
  - y: 1
    z: 2
  after: true
last: 1
`,
	],
	[
		'flow collections spanning lines with trailing commas and comments',
		`list: [
  one,   # first
  "two",
  'three',
  [nested, list],
  {key: value},
]
map: {
  a: 1, b: [x, y],
  "quoted key": v,
  c,
}
pairs: [a: 1, "b": 2, c: [3]]
json: {"a":1,"b":[true,false,null],"c":{"d":"e"}}
empty: [ ]
url_in_flow: [http://example.org, "a:b", c:d]
`,
	],
	[
		'anchors and aliases on scalars, sequences and mappings',
		`base: &base
  name: base
  values: &values [1, 2, 3]
copy: *base
values_again: *values
scalar: &s hello
scalar_again: *s
list:
  - &first first
  - *first
  - &m {x: 1}
  - *m
`,
	],
	[
		'merge keys with override order and lists of maps',
		`one: &one {a: 1, b: 1}
two: &two {b: 2, c: 2}
merged:
  <<: [*one, *two]
  d: 4
override_after:
  <<: *one
  a: changed
override_before:
  a: first
  <<: *one
inline:
  <<: {x: 1}
  y: 2
flow: {<<: *two, c: 3}
`,
	],
	[
		'tags from the core schema',
		`str: !!str 123
int: !!int "42"
float: !!float "1.5"
bool: !!bool "true"
null: !!null ""
map: !!map {a: 1}
seq: !!seq [1]
local: !custom value
nonspecific: ! 12
verbatim: !<tag:yaml.org,2002:str> 7
`,
	],
	[
		'non-string keys become property names',
		`1: one
2.50: two and a half
true: yes
null: nothing
0x10: sixteen
.inf: infinite
"quoted": q
`,
	],
	[
		'prototype-like keys',
		`__proto__: {polluted: true}
constructor: c
toString: s
hasOwnProperty: h
`,
	],
	[
		'document markers, directives and comments',
		`%YAML 1.2
# leading comment
---
# inside
a: 1 # trailing
b:   # value on next line
  2
...
# after end
`,
	],
	[
		'Unicode text and keys',
		`name: Zoë
city: "Zürich"
emoji: 🎉 party
日本語: テキスト
arrow: a → b
`,
	],
	[
		'Windows line endings',
		'a: 1\r\nb:\r\n  - x\r\n  - "y\r\n    z"\r\nc: |\r\n  line1\r\n  line2\r\n',
	],
	['top-level plain scalar', 'just a string\n'],
	['top-level number', '42'],
	['top-level flow sequence', '[1, two, {three: 3}]'],
	['empty document', ''],
	['comments only', '# nothing here\n\n   # really\n'],
	[
		'indentation with more spaces and empty lines between entries',
		`root:
    child:
        grandchild: 1

        sibling: 2


    other: [a]
`,
	],
	[
		'keys with spaces, dashes and dots',
		`key with spaces: 1
dash-key: 2
dotted.key: 3
"key: with colon": 4
'single # quoted': 5
-leading-dash: 6
?question: 7
`,
	],
	[
		'empty values in sequences and mappings',
		`seq:
-
- ""
- ~
-   # comment
map:
  a:
  b: # comment
  c: !!str
`,
	],
];

const corpus: Array<[string, string]> = [
	...redDocuments,
	...cwlDocuments,
	...configDocuments,
	...edgeCaseDocuments,
];

describe('parseYaml matches the yaml package on the corpus', () => {
	it('has a corpus of at least 40 documents', () => {
		expect(corpus.length).toBeGreaterThanOrEqual(40);
	});

	it.each(corpus)('%s', (_name, doc) => {
		expect(parseYaml(doc)).toStrictEqual(oracle(doc));
	});
});

describe('parseYaml scalars', () => {
	it.each([
		['9', 9],
		['"9"', '9'],
		['1.10', 1.1],
		['v1.0', 'v1.0'],
		['0o17', 15],
		['0x1F', 31],
		['-12', -12],
		['1e3', 1000],
		['.inf', Infinity],
		['-.inf', -Infinity],
		['~', null],
		['Null', null],
		['TRUE', true],
		['False', false],
		['yes', 'yes'],
		['0b1', '0b1'],
	])('resolves %s', (text, expected) => {
		expect(parseYaml(`v: ${text}`)).toEqual({ v: expected });
	});

	it('resolves .nan to NaN', () => {
		expect(parseYaml('v: .nan')).toEqual({ v: NaN });
	});

	it('decodes all double-quoted escapes', () => {
		expect(parseYaml('"\\n\\t\\"\\\\\\u00e9\\U0001F600\\x41\\/\\ "')).toBe('\n\t"\\é😀A/ ');
	});

	it('folds block scalars', () => {
		expect(parseYaml('a: >-\n  one\n  two\n\n  three\n')).toEqual({ a: 'one two\nthree' });
		expect(parseYaml('a: |+\n  one\n\n')).toEqual({ a: 'one\n\n' });
	});
});

describe('parseYaml objects are safe', () => {
	it('keeps __proto__ as an own property without touching prototypes', () => {
		const result = parseYaml('__proto__: {polluted: true}\nplain: 1') as Record<string, unknown>;
		expect(Object.keys(result)).toEqual(['__proto__', 'plain']);
		expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({ polluted: true });
	});

	it('keeps __proto__ safe in flow mappings and merges', () => {
		const result = parseYaml('a: &a {__proto__: {p: 1}}\nb:\n  <<: *a\n') as Record<
			string,
			Record<string, unknown>
		>;
		expect(Object.getPrototypeOf(result.b)).toBe(Object.prototype);
		expect(Object.keys(result.b)).toEqual(['__proto__']);
		expect(({} as Record<string, unknown>).p).toBeUndefined();
	});

	it('rejects a billion-laughs alias bomb', () => {
		const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
		for (let i = 1; i < 10; i++) {
			lines.push(
				`a${i}: &a${i} [${Array(10)
					.fill(`*a${i - 1}`)
					.join(', ')}]`,
			);
		}
		const error = syntaxError(lines.join('\n'));
		expect(error.message).toMatch(/^Aliases expand to more than 100000 nodes/);
		expect(error.line).toBe(5);
	});

	it('lets the alias budget be configured', () => {
		const doc = 'a: &a [1, 2, 3]\nb: [*a, *a]';
		expect(() => parseYaml(doc, { maxAliasExpansion: 7 })).toThrow(YamlSyntaxError);
		expect(parseYaml(doc, { maxAliasExpansion: 8 })).toEqual({
			a: [1, 2, 3],
			b: [
				[1, 2, 3],
				[1, 2, 3],
			],
		});
	});

	it('limits nesting depth instead of overflowing the stack', () => {
		expect(syntaxError('['.repeat(5000) + ']'.repeat(5000)).message).toMatch(/nested too deeply/);
		const deepBlock = Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
		expect(syntaxError(deepBlock).message).toMatch(/nested too deeply/);
		expect(parseYaml('['.repeat(400) + ']'.repeat(400))).toBeInstanceOf(Array);
	});

	it('rejects recursive aliases', () => {
		expect(syntaxError('a: &a [1, *a]').reason).toBe(
			'Alias *a is used inside the node it refers to; recursive aliases are not supported',
		);
	});
});

describe('parseYaml deliberate differences from the yaml package', () => {
	it('applies !!float to integers and gives empty !!map / !!seq nodes their type', () => {
		expect(parseYaml('a: !!float 1\nb: !!map\nc: !!seq\n')).toEqual({ a: 1, b: {}, c: [] });
	});

	it('rejects values that do not fit their tag', () => {
		expect(syntaxError('a: !!int abc').reason).toBe('Invalid !!int value "abc"');
		expect(syntaxError('a: !!str {b: 1}').reason).toBe('Tag !!str cannot be applied to a mapping');
	});

	it('reports keys that collide once stringified', () => {
		const error = syntaxError('1: a\n"1": b');
		expect([error.reason, error.line, error.column]).toEqual(['Duplicate key "1"', 2, 1]);
	});

	it('rejects explicit keys, empty keys and collection keys', () => {
		expect(syntaxError('? a\n: b').reason).toBe("Explicit mapping keys ('? ') are not supported");
		expect(syntaxError(': a').reason).toBe("Missing mapping key before ':'");
		expect(syntaxError('{[a]: b}').reason).toBe(
			'Mappings and sequences cannot be used as mapping keys',
		);
	});
});

describe('parseYaml errors', () => {
	it.each([
		['tab indentation', 'a:\n\tb: 1', 'Tabs are not allowed for indentation; use spaces', 2, 1],
		[
			'tab after spaces before a key',
			'a:\n  \tb: 1',
			'Tabs are not allowed for indentation; use spaces',
			2,
			3,
		],
		[
			'over-indented mapping entry',
			'a:\n  b: 1\n   c: 2',
			'Bad indentation of a mapping entry',
			3,
			4,
		],
		[
			'under-indented mapping entry',
			'a:\n  b: 1\n c: 2',
			'Bad indentation of a mapping entry',
			3,
			2,
		],
		[
			'continuation that looks like a key',
			'cli:\n  baseCommand: echo\n    stdout: out.txt',
			'Bad indentation of a mapping entry',
			3,
			5,
		],
		[
			'over-indented sequence entry',
			'items:\n  - [a]\n    - b',
			'Bad indentation of a sequence entry',
			3,
			5,
		],
		['duplicate key', 'a: 1\nb: 2\na: 3', 'Duplicate key "a"', 3, 1],
		['duplicate key in flow mapping', 'x: {a: 1, a: 2}', 'Duplicate key "a"', 1, 11],
		[
			'unclosed double quote',
			'a: "never closed\nb: 1',
			'Unclosed double-quoted scalar (missing closing quote)',
			1,
			4,
		],
		[
			'unclosed single quote',
			"a: 'open",
			'Unclosed single-quoted scalar (missing closing quote)',
			1,
			4,
		],
		['unclosed flow sequence', 'a: [1, 2', "Unclosed flow sequence (missing ']')", 1, 4],
		['unclosed flow mapping', '{a: 1,\n b: 2\n', "Unclosed flow mapping (missing '}')", 1, 1],
		[
			'flow sequence closed too late',
			'a: [1, 2\nb: 3',
			"Flow sequence opened at line 1, column 4 is not closed with ']' before this less indented line",
			2,
			1,
		],
		[
			'wrong closing bracket',
			'a: [1, 2}',
			"Expected ',' or ']' in flow collection, found '}'",
			1,
			9,
		],
		['unknown alias', 'a: 1\nb: *nope', 'Unknown alias *nope (no anchor &nope before it)', 2, 4],
		[
			'sequence entry where a mapping entry is expected',
			'a: 1\n- b',
			'A block sequence entry is not allowed here: a mapping entry (key: value) is expected',
			2,
			1,
		],
		[
			'mapping entry where a sequence entry is expected',
			'- a\nb: 1',
			"A mapping entry is not allowed here: a sequence entry ('- ') is expected",
			2,
			1,
		],
		[
			'nested mapping on the key line',
			'a: b: c',
			'A block mapping cannot start on the same line as its parent key (is a quote or a line break missing?)',
			1,
			4,
		],
		[
			'sequence on the key line',
			'a: - b',
			'A block sequence cannot start on the same line as its mapping key',
			1,
			4,
		],
		['text after a quoted value', 'a: "x" y', "Unexpected 'y' after a mapping value", 1, 8],
		['a line without a colon', 'a: 1\nb\nc: 2', 'Expected a mapping entry (key: value)', 2, 1],
		['second document', 'a: 1\n---\nb: 2', 'Only one YAML document is supported', 2, 1],
		[
			'content after the end marker',
			'a: 1\n...\nb: 2',
			'Only one YAML document is supported',
			3,
			1,
		],
		['invalid escape', 'a: "\\q"', 'Invalid escape sequence \\q', 1, 5],
		[
			'short unicode escape',
			'a: "\\u12"',
			'Invalid escape sequence \\u: expected 4 hex digits',
			1,
			5,
		],
		[
			'reserved character',
			'a: @home',
			"The reserved character '@' cannot start a plain scalar; quote the value",
			1,
			4,
		],
		[
			'block scalar in flow',
			'[|]',
			'Block scalars (| and >) are not allowed inside flow collections',
			1,
			2,
		],
		[
			'bad block scalar header',
			'a: |x\n  b',
			'Unexpected characters after block scalar header',
			1,
			5,
		],
		[
			'directive without document start',
			'%YAML 1.2\na: 1',
			"Directives must be followed by a '---' document start marker",
			2,
			1,
		],
		[
			'undeclared tag handle',
			'a: !e!x 1',
			'Undeclared tag handle !e! (declare it with a %TAG directive)',
			1,
			4,
		],
		[
			'empty entry in flow sequence',
			'[a, , b]',
			"Unexpected ',' in flow sequence: an entry is missing",
			1,
			5,
		],
		[
			'merge of a scalar',
			'a:\n  <<: 1',
			'The value of a merge key (<<) must be a mapping or a sequence of mappings',
			2,
			3,
		],
		[
			'text after the root node',
			'"a"\nb',
			"Unexpected content after the document's root node",
			2,
			1,
		],
	])('%s', (_name, doc, reason, line, column) => {
		const error = syntaxError(doc);
		expect({ reason: error.reason, line: error.line, column: error.column }).toEqual({
			reason,
			line,
			column,
		});
		expect(error.message).toBe(`${reason} (line ${line}, column ${column})`);
	});

	it('also rejects these documents in the yaml package', () => {
		for (const doc of ['a:\n\tb: 1', 'a: 1\n---\nb: 2', 'a: b: c', 'x: {a: 1, a: 2}', 'a: [1, 2']) {
			expect(() => oracle(doc)).toThrow();
		}
	});
});
