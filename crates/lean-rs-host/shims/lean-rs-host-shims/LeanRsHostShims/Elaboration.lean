module

public import Lean
public import LeanRsInterop.Callback.Tick

/-! The host contract's elaboration side: the wire records (except the MetaM ones, in
`LeanRsHostShims.Meta`), the shared plumbing (bounds, list-based iteration helpers, bounded
diagnostics, progress ticks) and the mandatory exports: session import, names, environment and
declaration queries, elaboration, kernel checking, evidence, and the optional info-tree
projection. -/

open Lean Elab Meta

public section

namespace LeanRsHostShims

/-! ## Wire records -/

/-- Options for elaboration and kernel checking. `heartbeats` is in thousands, like Lean's
`maxHeartbeats` option (0 = unlimited); `diagnosticByteLimit` bounds the summed message bytes;
`namespaceCtx` (may be empty) is opened around the source; `fileLabel` names the source in
diagnostics. -/
structure ElabOpts where
  heartbeats : Nat
  diagnosticByteLimit : Nat
  namespaceCtx : String
  fileLabel : String
  deriving Inhabited

/-- One Lean message. `severity`: 0 information, 1 warning, 2 error. Positions are 1-based;
0 means "not recorded". -/
structure Diagnostic where
  severity : Nat
  message : String
  fileLabel : String
  startLine : Nat
  startColumn : Nat
  endLine : Nat
  endColumn : Nat
  deriving Inhabited, Repr

/-- The diagnostics of a failed request; `truncated` is 1 when some were dropped or cut to
stay inside the byte budget. -/
structure ElabFailure where
  diagnostics : Array Diagnostic
  truncated : Nat
  deriving Inhabited, Repr

/-- Result of `lean_rs_host_elaborate`: tag 0 `ok`, tag 1 `failure`. -/
inductive ElabResult where
  | ok (expr : Expr)
  | failure (failure : ElabFailure)
  deriving Inhabited

/-- A declaration the kernel accepted, with the environments before and after it. Opaque to
Rust: only handed back to `check_evidence` / `evidence_summary`. -/
structure Evidence where
  baseEnv : Environment
  env : Environment
  declName : Name

/-- Result of `lean_rs_host_kernel_check`: tag 0 `checked`, tag 1 `elabFailed` (parse or
elaboration errors), tag 2 `kernelRejected` (the kernel refused the declaration). -/
inductive KernelOutcome where
  | checked (evidence : Evidence)
  | elabFailed (failure : ElabFailure)
  | kernelRejected (failure : ElabFailure)

-- `Environment` has no `Inhabited` instance to derive from.
instance : Inhabited KernelOutcome := ⟨.elabFailed default⟩

/-- Re-check verdict: tag 0 `checked`, tag 1 `usesSorry` (accepted but depends on `sorryAx`),
tag 2 `rejected` (kernel message), tag 3 `missing` (the declaration is not in the evidence). -/
inductive EvidenceStatus where
  | checked
  | usesSorry
  | rejected (message : String)
  | missing
  deriving Inhabited, Repr, BEq

/-- Display projection of evidence; each field is bounded by `proofSummaryByteLimit`. -/
structure ProofSummary where
  declName : String
  kind : String
  typeSignature : String
  deriving Inhabited, Repr

/-- Filter for `list_declarations_filtered`; each flag is `Nat` 0/1 ("keep these"). -/
structure DeclarationFilter where
  includePrivate : Nat
  includeGenerated : Nat
  includeInternal : Nat
  deriving Inhabited

/-- A declaration's source range, 1-based lines and columns; `file` is the source path when it
was found under a source root, otherwise the module name. -/
structure SourceRange where
  file : String
  startLine : Nat
  startColumn : Nat
  endLine : Nat
  endColumn : Nat
  deriving Inhabited, Repr, BEq

/-- One top-level command; `declName` is empty for non-declaration commands. -/
structure CommandInfoNode where
  declName : String
  kind : String
  startLine : Nat
  startColumn : Nat
  endLine : Nat
  endColumn : Nat
  deriving Inhabited, Repr

/-- One elaborated term: raw `Expr.toString`, its inferred type, and the expected type when
the elaborator recorded one (empty otherwise). -/
structure TermInfoNode where
  exprText : String
  typeText : String
  expectedTypeText : String
  startLine : Nat
  startColumn : Nat
  endLine : Nat
  endColumn : Nat
  deriving Inhabited, Repr

/-- One tactic step with its pretty-printed goals before and after. -/
structure TacticInfoNode where
  tacticText : String
  goalsBefore : Array String
  goalsAfter : Array String
  startLine : Nat
  startColumn : Nat
  endLine : Nat
  endColumn : Nat
  deriving Inhabited, Repr

/-- One identifier occurrence naming a constant; `isBinder` is 1 at binding sites. -/
structure NameRefNode where
  name : String
  isBinder : Nat
  startLine : Nat
  startColumn : Nat
  endLine : Nat
  endColumn : Nat
  deriving Inhabited, Repr

/-- The info-tree projection of one processed source string. -/
structure ProcessedFile where
  commands : Array CommandInfoNode
  terms : Array TermInfoNode
  tactics : Array TacticInfoNode
  nameRefs : Array NameRefNode
  diagnostics : ElabFailure
  deriving Inhabited, Repr

/-! ## Bounds -/

/-- Byte cap of each `ProofSummary` field. -/
def proofSummaryByteLimit : Nat := 4096

/-- Byte cap applied to each projected string in a `ProcessedFile`. -/
def projectionTextLimit : Nat := 4096

/-- Ceiling on the declarations one bulk call or listing returns. -/
def bulkLimit : Nat := 1000000

/-- Cut `s` to at most `limit` UTF-8 bytes, on a character boundary. -/
def truncateUtf8 (s : String) (limit : Nat) : String :=
  if s.utf8ByteSize ≤ limit then s
  else Id.run do
    let mut out := ""
    for c in s.toList do
      if out.utf8ByteSize + (String.singleton c).utf8ByteSize > limit then break
      out := out.push c
    return out

/-! ## Iteration helpers

The 4.28 Lean that checks this package (scripts/lean-check) ships only the public part of
Init's oleans, so its compiler cannot specialize `Array.map`/`filter`/`mapM`/`any`/`foldl`,
`List.map`/`filter`/`any` or `Array.append` (their private or generated helpers are missing).
These helpers need only `for … in` over lists and `Array.push`, which it compiles. -/

def mapArr (f : α → β) (xs : Array α) : Array β := Id.run do
  let mut out := #[]
  for x in xs.toList do out := out.push (f x)
  return out

def mapArrM [Monad m] (f : α → m β) (xs : Array α) : m (Array β) := do
  let mut out := #[]
  for x in xs.toList do out := out.push (← f x)
  return out

def filterArr (p : α → Bool) (xs : Array α) : Array α := Id.run do
  let mut out := #[]
  for x in xs.toList do
    if p x then out := out.push x
  return out

def anyArr (p : α → Bool) (xs : Array α) : Bool := Id.run do
  for x in xs.toList do
    if p x then return true
  return false

def findArr? (p : α → Bool) (xs : Array α) : Option α := Id.run do
  for x in xs.toList do
    if p x then return some x
  return none

def appendList (a b : List α) : List α := Id.run do
  let mut out := a.toArray
  for x in b do out := out.push x
  return out.toList

def somes (xs : Array (Option α)) : Array α := Id.run do
  let mut out := #[]
  for x in xs.toList do
    if let some a := x then out := out.push a
  return out

private def heartbeatsOf (thousands : Nat) : Nat := thousands * 1000

private def coreContext (fileLabel : String) (heartbeats : Nat) (opts : Options := {}) :
    Core.Context :=
  { fileName := fileLabel, fileMap := default, options := opts,
    maxHeartbeats := heartbeatsOf heartbeats }

/-- Run `x` against `env` with the given heartbeat budget (thousands). -/
def runMeta (env : Environment) (fileLabel : String) (heartbeats : Nat) (x : MetaM α)
    (opts : Options := {}) : IO α := do
  let (a, _, _) ← x.toIO (coreContext fileLabel heartbeats opts) { env := env }
  return a

/-! ## Diagnostics -/

private def severityCode : MessageSeverity → Nat
  | .information => 0
  | .warning => 1
  | .error => 2

/-- Convert Lean messages into bounded diagnostics. Positions shift up by `lineShift` lines
(the namespace preamble) and columns become 1-based. -/
def boundDiagnostics (msgs : List Message) (label : String) (byteLimit : Nat)
    (lineShift : Nat := 0) : IO ElabFailure := do
  let mut out : Array Diagnostic := #[]
  let mut used := 0
  let mut truncated := 0
  for m in msgs do
    let text ← m.data.toString
    let room := byteLimit - used
    if room == 0 then
      truncated := 1
      break
    let kept := truncateUtf8 text room
    if kept.utf8ByteSize < text.utf8ByteSize then truncated := 1
    used := used + kept.utf8ByteSize
    let endPos := m.endPos.getD m.pos
    out := out.push {
      severity := severityCode m.severity, message := kept, fileLabel := label,
      startLine := m.pos.line - lineShift, startColumn := m.pos.column + 1,
      endLine := endPos.line - lineShift, endColumn := endPos.column + 1 }
  return { diagnostics := out, truncated }

/-- A one-diagnostic failure for errors that have no source position. -/
def failureOf (message label : String) (byteLimit : Nat) : ElabFailure :=
  let kept := truncateUtf8 message byteLimit
  { diagnostics := #[{ severity := 2, message := kept, fileLabel := label,
                       startLine := 0, startColumn := 0, endLine := 0, endColumn := 0 }],
    truncated := if kept.length < message.length then 1 else 0 }

/-! ## Progress plumbing

Each `_progress` export is its plain sibling plus one tick per item through
`LeanRsInterop.Callback.Tick.call`; a non-zero status stops the work and is returned as
`Except.error`. The `…With` forms take the tick function so Lean-side tests can drive them. -/

/-- Map `f` over `items`, ticking `(i+1, n)` after each item. -/
def mapWithTicks [Inhabited α] (tick : UInt64 → UInt64 → BaseIO UInt8) (items : Array α)
    (f : α → IO β) : IO (Except UInt8 (Array β)) :=
  go 0 items.size #[]
where
  -- Structural recursion, not `for i in [a:b]` (see `LeanRsInterop.Callback.Tick.loopWith`).
  go (i : Nat) : Nat → Array β → IO (Except UInt8 (Array β))
    | 0, out => pure (.ok out)
    | remaining + 1, out => do
      let out := out.push (← f items[i]!)
      let status ← tick (i + 1).toUInt64 items.size.toUInt64
      if status != 0 then return .error status
      go (i + 1) remaining out

/-- Run one step of work, then tick `(1, 1)`. -/
def singleWithTick (tick : UInt64 → UInt64 → BaseIO UInt8) (work : IO β) :
    IO (Except UInt8 β) := do
  let b ← work
  let status ← tick 1 1
  if status != 0 then return .error status
  return .ok b

/-! ## Environment and declaration queries -/

/-- Import `importNames` with `searchPaths` prepended to Lean's search path. -/
def sessionImport (searchPaths importNames : Array String) : IO Environment := do
  let extra := (mapArr System.FilePath.mk searchPaths).toList
  searchPathRef.modify fun sp => appendList extra sp
  let imports := mapArr (fun n => ({ module := n.toName } : Import)) importNames
  importModules imports {}

@[export lean_rs_host_session_import]
def sessionImportExport (searchPaths importNames : Array String) : IO Environment :=
  sessionImport searchPaths importNames

@[export lean_rs_host_session_import_progress]
def sessionImportProgress (searchPaths importNames : Array String) (handle trampoline : USize) :
    IO (Except UInt8 Environment) :=
  singleWithTick (LeanRsInterop.Callback.Tick.call handle trampoline)
    (sessionImport searchPaths importNames)

@[export lean_rs_host_name_from_string]
def nameFromString (s : String) : Name := s.toName

@[export lean_rs_host_name_to_string]
def nameToString (n : Name) : String := n.toString

/-- The kernel `Declaration` that `info` came from, as far as it can be rebuilt:
constructors and recursors (which have no declaration of their own) come back as an
`axiomDecl` carrying their name, universe parameters and type. -/
def declarationOf (env : Environment) (info : ConstantInfo) : Declaration :=
  match info with
  | .defnInfo v => .defnDecl v
  | .thmInfo v => .thmDecl v
  | .opaqueInfo v => .opaqueDecl v
  | .axiomInfo v => .axiomDecl v
  | .quotInfo _ => .quotDecl
  | .inductInfo v =>
    let ctors := Id.run do
      let mut out : Array Constructor := #[]
      for c in v.ctors do
        if let some ci := env.find? c then out := out.push { name := c, type := ci.type }
      return out.toList
    .inductDecl v.levelParams v.numParams [{ name := v.name, type := v.type, ctors }] v.isUnsafe
  | .ctorInfo v => .axiomDecl { name := v.name, levelParams := v.levelParams, type := v.type,
                                isUnsafe := v.isUnsafe }
  | .recInfo v => .axiomDecl { name := v.name, levelParams := v.levelParams, type := v.type,
                               isUnsafe := v.isUnsafe }

@[export lean_rs_host_env_query_declaration]
def queryDeclaration (env : Environment) (name : Name) : IO (Option Declaration) :=
  return (env.find? name).map (declarationOf env)

@[export lean_rs_host_env_query_declarations_bulk]
def queryDeclarationsBulk (env : Environment) (names : Array Name) :
    IO (Array (Option Declaration)) :=
  mapArrM (queryDeclaration env) names

def queryDeclarationsBulkWith (tick : UInt64 → UInt64 → BaseIO UInt8) (env : Environment)
    (names : Array Name) : IO (Except UInt8 (Array (Option Declaration))) :=
  mapWithTicks tick names (queryDeclaration env)

@[export lean_rs_host_env_query_declarations_bulk_progress]
def queryDeclarationsBulkProgress (env : Environment) (names : Array Name)
    (handle trampoline : USize) : IO (Except UInt8 (Array (Option Declaration))) :=
  queryDeclarationsBulkWith (LeanRsInterop.Callback.Tick.call handle trampoline) env names

/-- Every constant name in `env`, imported and local, capped at `bulkLimit`. -/
def allNames (env : Environment) : Array Name :=
  env.constants.fold (fun acc n _ => if acc.size < bulkLimit then acc.push n else acc) #[]

@[export lean_rs_host_env_list_declarations]
def listDeclarations (env : Environment) : IO (Array Name) :=
  return allNames env

/-- Names the compiler or elaborator made up: auxiliary recursors, `noConfusion`, recursors,
and `match_`/`proof_`/`eq_` helpers. -/
def isGeneratedName (env : Environment) (n : Name) : Bool :=
  let last := match n with
    | .str _ s => s
    | _ => ""
  isAuxRecursor env n || isNoConfusion env n ||
    (match env.find? n with | some (.recInfo _) => true | _ => false) ||
    last.startsWith "match_" || last.startsWith "proof_" || last.startsWith "eq_" ||
    last == "sizeOf_spec" || last.startsWith "_"

/-- Names with a component beginning with `_` (other than private prefixes). -/
def isInternalName (n : Name) : Bool :=
  !isPrivateName n && n.isInternal

def keepName (env : Environment) (filter : DeclarationFilter) (n : Name) : Bool :=
  (filter.includePrivate != 0 || !isPrivateName n) &&
  (filter.includeInternal != 0 || !isInternalName n) &&
  (filter.includeGenerated != 0 || !isGeneratedName env n)

@[export lean_rs_host_env_list_declarations_filtered]
def listDeclarationsFiltered (env : Environment) (filter : DeclarationFilter) : IO (Array Name) :=
  return filterArr (keepName env filter) (allNames env)

def listDeclarationsFilteredWith (tick : UInt64 → UInt64 → BaseIO UInt8) (env : Environment)
    (filter : DeclarationFilter) : IO (Except UInt8 (Array Name)) := do
  let names := allNames env
  let r ← mapWithTicks tick names fun n => pure (if keepName env filter n then some n else none)
  return r.map somes

@[export lean_rs_host_env_list_declarations_filtered_progress]
def listDeclarationsFilteredProgress (env : Environment) (filter : DeclarationFilter)
    (handle trampoline : USize) : IO (Except UInt8 (Array Name)) :=
  listDeclarationsFilteredWith (LeanRsInterop.Callback.Tick.call handle trampoline) env filter

/-- The `.lean` file for `mod` below the first source root that has it. -/
def findModuleSource (mod : Name) (roots : Array String) : IO (Option String) := do
  let rel := mod.components.foldl (fun p c => p / c.toString) (System.FilePath.mk "")
  for root in roots.toList do
    let path := (System.FilePath.mk root / rel).addExtension "lean"
    if ← path.pathExists then return some path.toString
  return none

@[export lean_rs_host_env_declaration_source_range]
def declarationSourceRange (env : Environment) (name : Name) (sourceRoots : Array String) :
    IO (Option SourceRange) := do
  let (ranges?, mod?) ← runMeta env "<lean-rs>" 0 do
    return (← findDeclarationRanges? name, ← findModuleOf? name)
  let some ranges := ranges? | return none
  let mod := mod?.getD env.mainModule
  let file := (← findModuleSource mod sourceRoots).getD mod.toString
  let r := ranges.range
  return some { file, startLine := r.pos.line, startColumn := r.pos.column + 1,
                endLine := r.endPos.line, endColumn := r.endPos.column + 1 }

@[export lean_rs_host_env_declaration_type]
def declarationType (env : Environment) (name : Name) : IO (Option Expr) :=
  return (env.find? name).map (·.type)

@[export lean_rs_host_env_declaration_type_bulk]
def declarationTypeBulk (env : Environment) (names : Array String) : IO (Array (Option Expr)) :=
  mapArrM (fun n => declarationType env n.toName) names

@[export lean_rs_host_env_declaration_type_bulk_progress]
def declarationTypeBulkProgress (env : Environment) (names : Array String)
    (handle trampoline : USize) : IO (Except UInt8 (Array (Option Expr))) :=
  mapWithTicks (LeanRsInterop.Callback.Tick.call handle trampoline) names
    fun n => declarationType env n.toName

/-- The declaration's kind word, or `"missing"`. -/
def kindOf (env : Environment) (name : Name) : String :=
  match env.find? name with
  | none => "missing"
  | some (.axiomInfo _) => "axiom"
  | some (.defnInfo _) => "definition"
  | some (.thmInfo _) => "theorem"
  | some (.opaqueInfo _) => "opaque"
  | some (.quotInfo _) => "quotient"
  | some (.inductInfo _) => "inductive"
  | some (.ctorInfo _) => "constructor"
  | some (.recInfo _) => "recursor"

@[export lean_rs_host_env_declaration_kind]
def declarationKind (env : Environment) (name : Name) : IO String :=
  return kindOf env name

@[export lean_rs_host_env_declaration_kind_bulk]
def declarationKindBulk (env : Environment) (names : Array String) : IO (Array String) :=
  return mapArr (fun n => kindOf env n.toName) names

def declarationKindBulkWith (tick : UInt64 → UInt64 → BaseIO UInt8) (env : Environment)
    (names : Array String) : IO (Except UInt8 (Array String)) :=
  mapWithTicks tick names fun n => pure (kindOf env n.toName)

@[export lean_rs_host_env_declaration_kind_bulk_progress]
def declarationKindBulkProgress (env : Environment) (names : Array String)
    (handle trampoline : USize) : IO (Except UInt8 (Array String)) :=
  declarationKindBulkWith (LeanRsInterop.Callback.Tick.call handle trampoline) env names

@[export lean_rs_host_env_declaration_name]
def declarationName (_env : Environment) (name : Name) : IO String :=
  return name.toString

@[export lean_rs_host_env_declaration_name_bulk]
def declarationNameBulk (_env : Environment) (names : Array String) : IO (Array String) :=
  return mapArr (fun n => n.toName.toString) names

@[export lean_rs_host_env_declaration_name_bulk_progress]
def declarationNameBulkProgress (_env : Environment) (names : Array String)
    (handle trampoline : USize) : IO (Except UInt8 (Array String)) :=
  mapWithTicks (LeanRsInterop.Callback.Tick.call handle trampoline) names
    fun n => pure n.toName.toString

@[export lean_rs_host_env_expr_to_string_raw]
def exprToStringRaw (e : Expr) : String := toString e

/-! ## Elaboration -/

/-- Elaborate one term against `env`; every failure comes back as diagnostics. -/
def elaborate (env : Environment) (src : String) (expectedType : Option Expr) (opts : ElabOpts) :
    IO ElabResult := do
  let label := opts.fileLabel
  match Parser.runParserCategory env `term src label with
  | .error msg => return .failure (failureOf msg label opts.diagnosticByteLimit)
  | .ok stx =>
    let nsName := opts.namespaceCtx.toName
    let work : MetaM (Except (List Message) Expr) := do
      let go : TermElabM Expr := do
        let e ← Term.elabTerm stx expectedType
        Term.synthesizeSyntheticMVarsNoPostponing
        let e ← instantiateMVars e
        if e.hasMVar then
          throwError "elaborated term still contains metavariables: {e}"
        return e
      try
        let e ← withTheReader Core.Context (fun ctx => { ctx with currNamespace := nsName })
          (go.run' {} {})
        let msgs := (← getThe Core.State).messages
        if msgs.hasErrors then return .error msgs.toList
        return .ok e
      catch ex =>
        let msgs := (← getThe Core.State).messages.toList
        let m ← ex.toMessageData.toString
        let pos := (← getFileMap).toPosition (ex.getRef.getPos?.getD 0)
        return .error (appendList msgs [{ fileName := label, pos, data := .ofFormat (.text m),
                                          severity := .error }])
    try
      match ← runMeta env label opts.heartbeats work with
      | .ok e => return .ok e
      | .error msgs => return .failure (← boundDiagnostics msgs label opts.diagnosticByteLimit)
    catch e =>
      return .failure (failureOf (toString e) label opts.diagnosticByteLimit)

@[export lean_rs_host_elaborate]
def elaborateExport (env : Environment) (src : String) (expectedType : Option Expr)
    (opts : ElabOpts) : IO ElabResult :=
  elaborate env src expectedType opts

@[export lean_rs_host_elaborate_bulk]
def elaborateBulk (env : Environment) (sources : Array String) (opts : ElabOpts) :
    IO (Array ElabResult) :=
  mapArrM (fun s => elaborate env s none opts) sources

@[export lean_rs_host_elaborate_bulk_progress]
def elaborateBulkProgress (env : Environment) (sources : Array String) (opts : ElabOpts)
    (handle trampoline : USize) : IO (Except UInt8 (Array ElabResult)) :=
  mapWithTicks (LeanRsInterop.Callback.Tick.call handle trampoline) sources
    fun s => elaborate env s none opts

/-! ## Command processing (kernel check and info trees) -/

/-- `src` prefixed by `namespace ns` when `ns` is non-empty, and how many lines that added. -/
def withNamespace (ns src : String) : String × Nat :=
  if ns.isEmpty then (src, 0) else (s!"namespace {ns}\n{src}\nend {ns}\n", 1)

/-- Process `src` as a sequence of commands on top of `env`, with info trees recorded. -/
def processSource (env : Environment) (src label : String) (heartbeats : Nat) :
    IO Frontend.State := do
  let opts := maxHeartbeats.set {} heartbeats
  let inputCtx := Parser.mkInputContext src label
  let cmdState := Command.mkState env {} opts
  let cmdState := { cmdState with infoState := { enabled := true } }
  Lean.Elab.IO.processCommands inputCtx {} cmdState

/-- Constants present in `after` but not in `before` (those the source added). -/
def newConstants (before after : Environment) : Array Name :=
  after.constants.map₂.foldl (fun acc n _ => if before.contains n then acc else acc.push n) #[]

/-- Pick the declaration the user wrote among the added constants: the first one that is not
generated or internal, else the first one. -/
def mainDeclaration (env : Environment) (added : Array Name) : Option Name :=
  (findArr? (fun n => !isGeneratedName env n && !isInternalName n) added) <|> added[0]?

/-- Elaborate `src` as commands and report how the kernel treated its declaration. -/
def kernelCheck (env : Environment) (src : String) (opts : ElabOpts) : IO KernelOutcome := do
  let label := opts.fileLabel
  let (text, shift) := withNamespace opts.namespaceCtx src
  try
    let st ← processSource env text label opts.heartbeats
    let msgs := st.commandState.messages.toList
    let failure ← boundDiagnostics msgs label opts.diagnosticByteLimit shift
    let mut errors := 0
    let mut kernel := false
    for m in msgs do
      if m.severity == .error then
        errors := errors + 1
        if (← m.data.toString).startsWith "(kernel)" then kernel := true
    if errors > 0 then
      return if kernel then .kernelRejected failure else .elabFailed failure
    let after := st.commandState.env
    match mainDeclaration after (newConstants env after) with
    | some n => return .checked { baseEnv := env, env := after, declName := n }
    | none =>
      return .elabFailed (failureOf "the source added no declaration" label opts.diagnosticByteLimit)
  catch e =>
    return .elabFailed (failureOf (toString e) label opts.diagnosticByteLimit)

@[export lean_rs_host_kernel_check]
def kernelCheckExport (env : Environment) (src : String) (opts : ElabOpts) : IO KernelOutcome :=
  kernelCheck env src opts

@[export lean_rs_host_kernel_check_progress]
def kernelCheckProgress (env : Environment) (src : String) (opts : ElabOpts)
    (handle trampoline : USize) : IO (Except UInt8 KernelOutcome) :=
  singleWithTick (LeanRsInterop.Callback.Tick.call handle trampoline) (kernelCheck env src opts)

/-- Re-run the kernel on the evidence's declaration against the environment it was checked in
(auxiliary constants the elaborator added alongside it are replayed first). -/
@[export lean_rs_host_check_evidence]
def checkEvidence (env : Environment) (ev : Evidence) : IO EvidenceStatus := do
  let _ := env
  let some info := ev.env.find? ev.declName | return .missing
  let added := newConstants ev.baseEnv ev.env
  let aux := filterArr (· != ev.declName) added
  let opts : Options := ({} : Options).setBool `Elab.async false
  let mut kenv := ev.baseEnv
  for n in (aux.push ev.declName).toList do
    let some ci := ev.env.find? n | continue
    match ci with
    | .ctorInfo _ | .recInfo _ => continue
    | _ => pure ()
    let decl := declarationOf ev.env ci
    let r ← (runMeta kenv "<lean-rs-kernel>" 0 (do addDecl decl; getEnv) opts).toBaseIO
    match r with
    | .ok e => kenv := e
    | .error ex =>
      if n == ev.declName then
        return .rejected (truncateUtf8 (toString ex) proofSummaryByteLimit)
      else continue
  let usesSorry := info.type.hasSorry || (info.value?.map (·.hasSorry)).getD false
  return if usesSorry then .usesSorry else .checked

@[export lean_rs_host_evidence_summary]
def evidenceSummary (_env : Environment) (ev : Evidence) : IO ProofSummary := do
  let kind := kindOf ev.env ev.declName
  let sig ← match ev.env.find? ev.declName with
    | none => pure ""
    | some ci => do
      match ← (runMeta ev.env "<lean-rs>" 0 (ppExpr ci.type)).toBaseIO with
      | .ok fmt => pure (toString fmt)
      | .error _ => pure (toString ci.type)
  return { declName := truncateUtf8 ev.declName.toString proofSummaryByteLimit,
           kind := truncateUtf8 kind proofSummaryByteLimit,
           typeSignature := truncateUtf8 sig proofSummaryByteLimit }

/-! ## Optional: info-tree projection -/

private def rangeOf (fileMap : FileMap) (stx : Syntax) (shift : Nat) : Option (Nat × Nat × Nat × Nat) :=
  match stx.getPos? (canonicalOnly := true), stx.getTailPos? (canonicalOnly := true) with
  | some s, some e =>
    let ps := fileMap.toPosition s
    let pe := fileMap.toPosition e
    if ps.line ≤ shift then none
    else some (ps.line - shift, ps.column + 1, pe.line - shift, pe.column + 1)
  | _, _ => none

private def declNameOfCommand (stx : Syntax) : String :=
  match stx.find? (·.isOfKind ``Lean.Parser.Command.declId) with
  | some declId => declId[0].getId.toString
  | none => ""

private def clip (s : String) : String := truncateUtf8 s projectionTextLimit

/-- Elaborate `src` (commands) and project its info trees into plain strings and ranges. -/
def processWithInfoTree (env : Environment) (src ns label : String) (heartbeats : UInt64)
    (diagBytes : USize) : IO ProcessedFile := do
  let (input, shift) := withNamespace ns src
  let st ← processSource env input label heartbeats.toNat
  let msgs := st.commandState.messages.toList
  let diagnostics ← boundDiagnostics msgs label diagBytes.toNat shift
  let trees := st.commandState.infoState.trees.toArray
  let mut infos := #[]
  for t in trees.toList do
    infos := t.foldInfo (init := infos) fun ctx info acc => acc.push (ctx, info)
  let mut pf : ProcessedFile := { commands := #[], terms := #[], tactics := #[], nameRefs := #[],
                                  diagnostics }
  for (ctx, info) in infos.toList do
    match info with
    | .ofCommandInfo ci =>
      if let some (sl, sc, el, ec) := rangeOf ctx.fileMap ci.stx shift then
        if ci.stx.getKind != `null then
          pf := { pf with commands := pf.commands.push {
            declName := declNameOfCommand ci.stx, kind := ci.elaborator.toString,
            startLine := sl, startColumn := sc, endLine := el, endColumn := ec } }
    | .ofTermInfo ti =>
      if let some (sl, sc, el, ec) := rangeOf ctx.fileMap ti.stx shift then
        let ty ← (ctx.runMetaM ti.lctx do
            return toString (← ppExpr (← inferType ti.expr))).toBaseIO
        pf := { pf with terms := pf.terms.push {
          exprText := clip (toString ti.expr), typeText := clip (ty.toOption.getD ""),
          expectedTypeText := clip ((ti.expectedType?.map toString).getD ""),
          startLine := sl, startColumn := sc, endLine := el, endColumn := ec } }
        if ti.stx.isIdent then
          if let .const n _ := ti.expr then
            pf := { pf with nameRefs := pf.nameRefs.push {
              name := n.toString, isBinder := if ti.isBinder then 1 else 0,
              startLine := sl, startColumn := sc, endLine := el, endColumn := ec } }
    | .ofTacticInfo tac =>
      if let some (sl, sc, el, ec) := rangeOf ctx.fileMap tac.stx shift then
        let goals := fun (mctx : MetavarContext) (gs : List MVarId) => do
          let r ← (({ ctx with mctx }).runMetaM {} do
            mapArrM (fun g => return clip (toString (← ppGoal g))) gs.toArray).toBaseIO
          return r.toOption.getD #[]
        let before ← goals tac.mctxBefore tac.goalsBefore
        let after ← goals tac.mctxAfter tac.goalsAfter
        pf := { pf with tactics := pf.tactics.push {
          tacticText := clip (toString tac.stx.prettyPrint),
          goalsBefore := before, goalsAfter := after,
          startLine := sl, startColumn := sc, endLine := el, endColumn := ec } }
    | _ => pure ()
  return pf

@[export lean_rs_host_process_with_info_tree]
def processWithInfoTreeExport (env : Environment) (src ns label : String) (heartbeats : UInt64)
    (diagBytes : USize) : IO ProcessedFile :=
  processWithInfoTree env src ns label heartbeats diagBytes

end LeanRsHostShims

end
