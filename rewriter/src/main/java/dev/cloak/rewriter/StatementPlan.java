package dev.cloak.rewriter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * What the driver must do with one SQL text: the text to send (rewritten when DDL declares an encrypted
 * column), which {@code ?} parameters and which result columns belong to encrypted columns, which literals it
 * must encrypt, and which equality tests it must widen while a key domain has several enabled versions.
 * Immutable and safe to share between threads.
 */
public final class StatementPlan {

    /** The kind of statement a plan is for. */
    public enum Kind {
        /** Names no configured table: sent untouched. */
        PASS_THROUGH,
        /** A query. */
        SELECT,
        /** An INSERT. */
        INSERT,
        /** An UPDATE. */
        UPDATE,
        /** A DELETE. */
        DELETE,
        /**
         * A schema change on a configured table or a view over one: sent as written, or with each encrypted
         * column's declared type rewritten to the dialect's binary type.
         */
        DDL,
        /**
         * A statement about a configured table that moves no value into or out of its columns ({@code GRANT},
         * {@code COMMENT ON}, {@code ANALYZE}, {@code VACUUM}, {@code LOCK}, {@code DESCRIBE}): sent as written.
         */
        UTILITY,
        /**
         * {@code EXPLAIN} of a statement on a configured table: that statement's parameters and literals are
         * encrypted as usual; the result is the database's plan, never decrypted.
         */
        EXPLAIN
    }

    private final Kind kind;
    private final String sql;
    private final int parameterCount;
    private final EncryptedColumn[] parameters;
    /** Per parameter index, the stand-in bound for a parameter only tested for NULL; null elsewhere. */
    private final String[] standIns;
    private final List<Projection> projections;
    private final boolean hasEncryptedParameters;
    private final boolean hasEncryptedResults;
    private final List<StarTable> starTables;
    private final List<LiteralSlot> literals;
    private final List<LookupSlot> lookups;
    private final boolean[] lookupParameters;
    private final Map<String, EncryptedColumn> writtenTable;
    private final boolean readsOtherTables;
    private final Set<String> changedTables;
    private final List<EncryptedColumn> declaredColumns;
    private final List<EncryptedColumn> lockedColumns;
    private final List<KnownView> definedViews;
    private final Set<String> droppedViews;
    private final boolean viewsStale;
    private final boolean dependsOnCatalog;
    private final List<ImpliedColumns> impliedColumns;
    private final List<ColumnUse> uses;

    private StatementPlan(Builder builder) {
        this.kind = builder.kind;
        this.sql = builder.sql;
        this.parameterCount = builder.parameterCount;
        this.parameters = new EncryptedColumn[parameterCount + 1];
        builder.parameters.forEach((index, column) -> {
            if (index < 1 || index > parameterCount) {
                throw new IllegalArgumentException("parameter index out of range: " + index);
            }
            parameters[index] = column;
        });
        this.hasEncryptedParameters = !builder.parameters.isEmpty();
        this.standIns = new String[parameterCount + 1];
        builder.nullTested.forEach((index, standIn) -> {
            if (index < 1 || index > parameterCount || parameters[index] != null) {
                throw new IllegalArgumentException("null-tested parameter out of range or encrypted: " + index);
            }
            standIns[index] = standIn;
        });
        this.projections = List.copyOf(builder.projections);
        this.hasEncryptedResults = this.projections.stream().anyMatch(StatementPlan::isEncrypted);
        // List.copyOf refuses nulls, and a Column item has no star table
        this.starTables = Collections.unmodifiableList(new ArrayList<>(builder.starTables));
        if (this.starTables.size() != this.projections.size()) {
            throw new IllegalArgumentException("one star table entry per projection");
        }
        List<LiteralSlot> sorted = new ArrayList<>(builder.literals);
        sorted.sort(Comparator.comparingInt(LiteralSlot::start));
        for (int i = 0; i < sorted.size(); i++) {
            LiteralSlot slot = sorted.get(i);
            if (slot.end() > sql.length() || i > 0 && slot.start() < sorted.get(i - 1).end()) {
                throw new IllegalArgumentException("literal spans overlap or leave the text");
            }
        }
        this.literals = List.copyOf(sorted);
        List<LookupSlot> byStart = new ArrayList<>(builder.lookups);
        byStart.sort(Comparator.comparingInt(LookupSlot::start));
        for (int i = 0; i < byStart.size(); i++) {
            LookupSlot slot = byStart.get(i);
            if (slot.expandable() && (slot.end() > sql.length()
                    || i > 0 && byStart.get(i - 1).expandable() && slot.start() < byStart.get(i - 1).end())) {
                throw new IllegalArgumentException("lookup spans overlap or leave the text");
            }
        }
        this.lookups = List.copyOf(byStart);
        this.lookupParameters = new boolean[parameterCount + 1];
        for (LookupSlot lookup : this.lookups) {
            if (lookup.parameter() > 0) {
                lookupParameters[lookup.parameter()] = true;
            }
        }
        this.writtenTable = builder.writtenTable == null ? null : Map.copyOf(builder.writtenTable);
        this.readsOtherTables = builder.readsOtherTables;
        this.changedTables = Set.copyOf(builder.changedTables);
        this.declaredColumns = List.copyOf(builder.declaredColumns);
        this.lockedColumns = List.copyOf(builder.lockedColumns);
        this.definedViews = List.copyOf(builder.definedViews);
        this.droppedViews = Set.copyOf(builder.droppedViews);
        this.viewsStale = builder.viewsStale;
        this.dependsOnCatalog = builder.dependsOnCatalog || !builder.impliedColumns.isEmpty();
        this.impliedColumns = List.copyOf(builder.impliedColumns);
        this.uses = uses(builder.uses, this.parameters, this.lookupParameters, this.literals, this.lookups);
    }

    /**
     * The uses the analysis recorded, and those its parameters and literals show: a lookup's value, or a value
     * written; each (column, kind) once.
     */
    private static List<ColumnUse> uses(List<ColumnUse> recorded, EncryptedColumn[] parameters,
                                        boolean[] lookupParameters, List<LiteralSlot> literals,
                                        List<LookupSlot> lookups) {
        Set<ColumnUse> all = new LinkedHashSet<>(recorded);
        Set<Integer> lookupLiterals = new HashSet<>();
        for (LookupSlot lookup : lookups) {
            all.add(new ColumnUse(lookup.column(), ColumnUse.Kind.LOOKUP));
            if (lookup.literal() != null) {
                lookupLiterals.add(lookup.literal().start());
            }
        }
        for (int i = 1; i < parameters.length; i++) {
            if (parameters[i] != null && !lookupParameters[i]) {
                all.add(new ColumnUse(parameters[i], ColumnUse.Kind.WRITE));
            }
        }
        for (LiteralSlot literal : literals) {
            if (!lookupLiterals.contains(literal.start())) {
                all.add(new ColumnUse(literal.column(), ColumnUse.Kind.WRITE));
            }
        }
        return List.copyOf(all);
    }

    /** A plan for {@code sql} of {@code kind}; what the builder is not told is empty (no written table: null). */
    static Builder builder(Kind kind, String sql, int parameterCount) {
        return new Builder(kind, sql, parameterCount);
    }

    static StatementPlan passThrough(String sql, int parameterCount) {
        return builder(Kind.PASS_THROUGH, sql, parameterCount).build();
    }

    /** Collects a plan's parts; {@link #build()} validates and copies them. */
    static final class Builder {
        private final Kind kind;
        private final String sql;
        private final int parameterCount;
        private Map<Integer, EncryptedColumn> parameters = Map.of();
        private Map<Integer, String> nullTested = Map.of();
        private List<Projection> projections = List.of();
        private List<StarTable> starTables = List.of();
        private List<LiteralSlot> literals = List.of();
        private List<LookupSlot> lookups = List.of();
        private Map<String, EncryptedColumn> writtenTable;
        private boolean readsOtherTables;
        private Set<String> changedTables = Set.of();
        private List<EncryptedColumn> declaredColumns = List.of();
        private List<EncryptedColumn> lockedColumns = List.of();
        private List<KnownView> definedViews = List.of();
        private Set<String> droppedViews = Set.of();
        private boolean viewsStale;
        private boolean dependsOnCatalog;
        private List<ImpliedColumns> impliedColumns = List.of();
        private List<ColumnUse> uses = List.of();

        private Builder(Kind kind, String sql, int parameterCount) {
            this.kind = kind;
            this.sql = sql;
            this.parameterCount = parameterCount;
        }

        /** The encrypted column each encrypted parameter (1-based index) binds. */
        Builder parameters(Map<Integer, EncryptedColumn> encrypted) {
            this.parameters = encrypted;
            return this;
        }

        /** The parameters (1-based index) only tested for NULL, each with the stand-in bound for a value. */
        Builder nullTested(Map<Integer, String> standIns) {
            this.nullTested = standIns;
            return this;
        }

        /** The result items, and for each the physical table a star item covers (null where none). */
        Builder projections(List<Projection> items, List<StarTable> itemStarTables) {
            this.projections = items;
            this.starTables = itemStarTables;
            return this;
        }

        Builder literals(List<LiteralSlot> slots) {
            this.literals = slots;
            return this;
        }

        Builder lookups(List<LookupSlot> slots) {
            this.lookups = slots;
            return this;
        }

        /** The encrypted columns of the one table (or view) the statement writes, by lower-case name. */
        Builder writtenTable(Map<String, EncryptedColumn> columns) {
            this.writtenTable = columns;
            return this;
        }

        /** Whether an UPDATE or DELETE reads other tables beside the one it writes. */
        Builder readsOtherTables(boolean reads) {
            this.readsOtherTables = reads;
            return this;
        }

        /** The lower-case names of the tables and views whose columns the statement may change. */
        Builder changedTables(Set<String> lowerCaseNames) {
            this.changedTables = lowerCaseNames;
            return this;
        }

        /** The encrypted columns the statement declares (CREATE TABLE, ALTER TABLE ... ADD COLUMN). */
        Builder declaredColumns(List<EncryptedColumn> columns) {
            this.declaredColumns = columns;
            return this;
        }

        /** The encrypted columns of the tables the statement creates, alters, empties or drops. */
        Builder lockedColumns(List<EncryptedColumn> columns) {
            this.lockedColumns = columns;
            return this;
        }

        /** The views the statement creates or replaces, as Cloak maps them. */
        Builder definedViews(List<KnownView> views) {
            this.definedViews = views;
            return this;
        }

        /** The lower-case names of the views the statement drops. */
        Builder droppedViews(Set<String> lowerCaseNames) {
            this.droppedViews = lowerCaseNames;
            return this;
        }

        /** Whether views Cloak knows may have changed, so they must be read from the catalog again. */
        Builder viewsStale(boolean stale) {
            this.viewsStale = stale;
            return this;
        }

        /** Whether the plan holds what the catalog said (a table's column order), so it ages with it. */
        Builder dependsOnCatalog(boolean depends) {
            this.dependsOnCatalog = depends;
            return this;
        }

        /**
         * What running {@code parts} one after the other does to the schema, as one statement: the tables they
         * change, the columns they declare and lock, the views they define and drop, and whether they rest on the
         * catalog.
         */
        Builder schemaEffectsOf(List<StatementPlan> parts) {
            Set<String> changed = new HashSet<>();
            List<EncryptedColumn> declared = new ArrayList<>();
            List<EncryptedColumn> locked = new ArrayList<>();
            List<KnownView> defined = new ArrayList<>();
            Set<String> dropped = new HashSet<>();
            List<ImpliedColumns> implied = new ArrayList<>();
            for (StatementPlan part : parts) {
                changed.addAll(part.changedTables);
                declared.addAll(part.declaredColumns);
                locked.addAll(part.lockedColumns);
                defined.addAll(part.definedViews);
                dropped.addAll(part.droppedViews);
                viewsStale |= part.viewsStale;
                dependsOnCatalog |= part.dependsOnCatalog;
                implied.addAll(part.impliedColumns);
            }
            impliedColumns(implied);
            return changedTables(changed).declaredColumns(declared).lockedColumns(locked).definedViews(defined)
                    .droppedViews(dropped);
        }

        /** The column orders of the INSERTs without a column list, which the driver checks before running them. */
        Builder impliedColumns(List<ImpliedColumns> orders) {
            this.impliedColumns = orders;
            return this;
        }

        /** The uses of encrypted columns the analysis recorded; lookups and written values are added from the rest. */
        Builder uses(List<ColumnUse> recorded) {
            this.uses = recorded;
            return this;
        }

        StatementPlan build() {
            return new StatementPlan(this);
        }
    }

    /**
     * Whether {@code other}, a plan of the same text made later, sends, encrypts, decrypts and checks as this one
     * does, so that a statement prepared under this plan may still run.
     */
    public boolean sameLayoutAs(StatementPlan other) {
        return kind == other.kind && sql.equals(other.sql) && Arrays.equals(parameters, other.parameters)
                && Arrays.equals(standIns, other.standIns) && projections.equals(other.projections)
                && starTables.equals(other.starTables) && literals.equals(other.literals)
                && lookups.equals(other.lookups) && Objects.equals(writtenTable, other.writtenTable)
                && impliedColumns.equals(other.impliedColumns) && uses.equals(other.uses);
    }

    /**
     * This plan of an INSERT whose columns the catalog named, so it is planned again when that may have changed and
     * checked on the connection that runs it.
     */
    StatementPlan withImpliedColumns(ImpliedColumns implied) {
        return builder(kind, sql, parameterCount).parameters(byIndex(parameters, 0)).nullTested(byIndex(standIns, 0))
                .projections(projections, starTables).impliedColumns(List.of(implied))
                .literals(literals).lookups(lookups).writtenTable(writtenTable).readsOtherTables(readsOtherTables)
                .changedTables(changedTables)
                .declaredColumns(declaredColumns).lockedColumns(lockedColumns).definedViews(definedViews)
                .droppedViews(droppedViews).viewsStale(viewsStale).dependsOnCatalog(true).uses(uses)
                .build();
    }

    /**
     * This plan of an inner statement, as the plan of {@code EXPLAIN} over it: the same text, parameters,
     * literals, lookups and uses (the access policy decides them: {@code EXPLAIN ANALYZE} runs the statement), and
     * no result columns to decrypt (the result is the database's plan).
     */
    StatementPlan explained() {
        return builder(Kind.EXPLAIN, sql, parameterCount).parameters(byIndex(parameters, 0))
                .nullTested(byIndex(standIns, 0)).literals(literals).lookups(lookups).dependsOnCatalog(dependsOnCatalog)
                .impliedColumns(impliedColumns).uses(uses).build();
    }

    /** The entries of a per-parameter array (index 0 unused) that are set, each index moved by {@code shift}. */
    private <T> Map<Integer, T> byIndex(T[] perParameter, int shift) {
        Map<Integer, T> set = new HashMap<>();
        for (int i = 1; i <= parameterCount; i++) {
            if (perParameter[i] != null) {
                set.put(shift + i, perParameter[i]);
            }
        }
        return set;
    }

    /**
     * One plan for several statements in one text: parameters numbered across the whole text. Refused when a
     * statement returns encrypted results next to another that may return rows, since the driver could not
     * tell which result set the projections describe.
     */
    static StatementPlan combine(String sql, List<StatementPlan> parts, List<SqlText.Piece> pieces) {
        if (parts.size() > 1 && parts.stream().anyMatch(part -> !part.impliedColumns.isEmpty())) {
            // a statement before it may change which table the name is (SET search_path, a temporary table)
            throw new Rejection("INSERT without a column list on a configured table is not supported beside other"
                    + " statements in one string: send it on its own, or name the columns");
        }
        Map<Integer, EncryptedColumn> encrypted = new HashMap<>();
        List<LiteralSlot> literals = new ArrayList<>();
        List<LookupSlot> lookups = new ArrayList<>();
        List<ColumnUse> uses = new ArrayList<>();
        // a part's text may be rewritten (DDL): rebuild the whole text and move literal spans with it
        StringBuilder text = new StringBuilder(sql.length());
        int copied = 0;
        int parameterShift = 0;
        for (int p = 0; p < parts.size(); p++) {
            SqlText.Piece piece = pieces.get(p);
            text.append(sql, copied, piece.start());
            int shift = text.length();
            text.append(parts.get(p).sql);
            copied = piece.start() + piece.text().length();
            for (LiteralSlot slot : parts.get(p).literals) {
                literals.add(slot.shifted(shift));
            }
            for (LookupSlot slot : parts.get(p).lookups) {
                lookups.add(slot.shifted(shift, parameterShift));
            }
            parameterShift += parts.get(p).parameterCount;
            uses.addAll(parts.get(p).uses);
        }
        sql = text.append(sql, copied, sql.length()).toString();
        int offset = 0;
        StatementPlan withResults = null;
        Kind kind = Kind.PASS_THROUGH;
        Map<Integer, String> nullTested = new HashMap<>();
        for (StatementPlan part : parts) {
            encrypted.putAll(part.byIndex(part.parameters, offset));
            nullTested.putAll(part.byIndex(part.standIns, offset));
            offset += part.parameterCount;
            if (part.hasEncryptedResults) {
                withResults = part;
            }
            kind = kind == Kind.PASS_THROUGH ? part.kind : kind;
        }
        if (withResults != null) {
            for (StatementPlan part : parts) {
                if (part != withResults && (part.kind == Kind.PASS_THROUGH && mayReturnRows(part.sql)
                        || part.kind == Kind.SELECT || part.kind == Kind.EXPLAIN || part.kind == Kind.UTILITY
                        || !part.projections.isEmpty())) {
                    throw new Rejection("several statements in one string where one returns encrypted columns"
                            + " and another may return rows are not supported: send them one at a time");
                }
            }
            return builder(withResults.kind, sql, offset).parameters(encrypted).nullTested(nullTested)
                    .projections(withResults.projections, withResults.starTables).literals(literals).lookups(lookups)
                    .schemaEffectsOf(parts).uses(uses).build();
        }
        return builder(kind, sql, offset).parameters(encrypted).nullTested(nullTested).literals(literals)
                .lookups(lookups).schemaEffectsOf(parts).uses(uses).build();
    }

    /** Unparsed text returns no rows only when it is plain DML or DDL without RETURNING or OUTPUT. */
    private static boolean mayReturnRows(String sql) {
        String lower = sql.strip().toLowerCase(Locale.ROOT);
        boolean writes = lower.startsWith("insert") || lower.startsWith("update") || lower.startsWith("delete")
                || lower.startsWith("create") || lower.startsWith("alter") || lower.startsWith("drop")
                || lower.startsWith("truncate");
        return !writes || lower.contains("returning") || lower.contains("output");
    }

    private static boolean isEncrypted(Projection projection) {
        if (projection instanceof Projection.Column column) {
            return column.column() != null;
        }
        return !((Projection.AllColumns) projection).encryptedByLowerCaseName().isEmpty();
    }

    /** The kind of statement. */
    public Kind kind() {
        return kind;
    }

    /**
     * The text to send: the input text, with the types of encrypted columns rewritten when it is DDL declaring
     * them. Literals of encrypted columns are still in it as written: {@link #render} or {@link #expand} replace
     * them.
     */
    public String sql() {
        return sql;
    }

    /** True when no configured table is involved and the text is sent untouched. */
    public boolean passThrough() {
        return kind == Kind.PASS_THROUGH;
    }

    /** The number of {@code ?} in the text. */
    public int parameterCount() {
        return parameterCount;
    }

    /** The encrypted column parameter {@code index} (1-based) binds, or {@code null} for a plain parameter. */
    public EncryptedColumn parameter(int index) {
        return index >= 1 && index <= parameterCount ? parameters[index] : null;
    }

    /**
     * The stand-in the driver binds, as a string, for parameter {@code index} (1-based) when the application binds
     * a value that is not NULL, or {@code null} when the parameter is not one only tested for NULL
     * ({@code ? IS NULL}, {@code CAST(? AS type) IS NOT NULL}): the server needs only whether it is NULL, and an
     * application often binds there the value it compares with an encrypted column next to it.
     */
    public String standIn(int index) {
        return index >= 1 && index <= parameterCount ? standIns[index] : null;
    }

    /** Whether the driver binds parameter {@code index} itself: an encrypted column's, or one only tested for NULL. */
    public boolean withholds(int index) {
        return parameter(index) != null || standIn(index) != null;
    }

    /**
     * The column orders the catalog gave for INSERTs without a column list, which the text sent names: the driver
     * checks them on the connection that runs the statement. Empty for any other statement.
     */
    public List<ImpliedColumns> impliedColumns() {
        return impliedColumns;
    }

    /** Whether any parameter binds an encrypted column. */
    public boolean hasEncryptedParameters() {
        return hasEncryptedParameters;
    }

    /** The result columns in order; empty for statements without results and for pass-through. */
    public List<Projection> projections() {
        return projections;
    }

    /**
     * The physical table the {@code *} or {@code t.*} item at {@code projectionIndex} (0-based, as in
     * {@link #projections()}) covers, or {@code null} for a single result column or a star whose table is not
     * known. With several star items, the driver asks the database's metadata for each table's column count.
     */
    public StarTable starTable(int projectionIndex) {
        return projectionIndex >= 0 && projectionIndex < starTables.size() ? starTables.get(projectionIndex) : null;
    }

    /** The literals of encrypted columns in the text, in text order; empty when there are none. */
    public List<LiteralSlot> literals() {
        return literals;
    }

    /** Whether the text holds literals of encrypted columns, so it must be {@link #render rendered} before sending. */
    public boolean hasEncryptedLiterals() {
        return !literals.isEmpty();
    }

    /**
     * The text to send: {@link #sql()} with each literal of an encrypted column replaced by what
     * {@code encryptedLiteral} returns for it (the driver encrypts the value and formats a binary literal of its
     * dialect, such as {@code decode('...', 'hex')} or {@code X'...'}).
     */
    public String render(Function<LiteralSlot, String> encryptedLiteral) {
        if (literals.isEmpty()) {
            return sql;
        }
        try {
            return expand(column -> 1, (slot, version) -> Objects.requireNonNull(encryptedLiteral.apply(slot),
                    "encrypted literal")).sql();
        } catch (UnsupportedStatementException e) {
            throw new IllegalStateException("one key version never needs a lookup rewritten", e);
        }
    }

    /** The equality tests of deterministic columns against encrypted values, in text order; empty when none. */
    public List<LookupSlot> lookups() {
        return lookups;
    }

    /**
     * The encrypted columns of the one table an INSERT, UPDATE or DELETE writes (empty when it has none), or
     * {@code null} when the plan writes no single table. Generated keys and RETURNING-like results of a write
     * are columns of that table.
     */
    public List<EncryptedColumn> writtenTableColumns() {
        return writtenTable == null ? null : List.copyOf(writtenTable.values());
    }

    /**
     * The encrypted column a column of that name (lower case) of the one table or view the statement writes holds,
     * or null when it holds none; a view's columns by the view's names ({@code ssn AS s}: {@code s}).
     */
    public EncryptedColumn writtenColumnNamed(String lowerCaseName) {
        return writtenTable == null ? null : writtenTable.get(lowerCaseName);
    }

    /**
     * Whether an UPDATE or DELETE reads other tables beside the one it writes ({@code UPDATE … FROM},
     * {@code DELETE … USING}, MariaDB's joins): pgjdbc's {@code RETURNING *} for its generated keys returns their
     * columns too.
     */
    public boolean readsOtherTables() {
        return readsOtherTables;
    }

    /**
     * How the statement uses encrypted columns other than by reading them into its result (which {@link #projections()}
     * tell): each column and kind of use once, for the access policy to decide on before the statement is sent.
     */
    public List<ColumnUse> uses() {
        return uses;
    }

    /** Whether parameter {@code index} (1-based) is the value of a {@link #lookups() lookup}. */
    public boolean isLookupParameter(int index) {
        return index >= 1 && index <= parameterCount && lookupParameters[index];
    }

    /** The text of a literal as the driver sends it: a binary literal of the literal's ciphertext under a version. */
    @FunctionalInterface
    public interface LiteralText<E extends Exception> {
        /**
         * @param version 0 for the primary key version, 1.. for the other enabled versions of the literal's
         *                key domain, in the order the driver counted them for {@link #expand}
         * @throws E what encrypting the literal throws (the driver's SQLException)
         */
        String text(LiteralSlot literal, int version) throws E;
    }

    /**
     * The text to send and where each {@code ?} of {@link #sql()} went, when each lookup on {@code column} must
     * match a ciphertext under {@code versions.applyAsInt(column)} key versions, because a stored cell may be
     * under any enabled version of its key domain: {@code col = ?} becomes {@code col IN (?, ?, ...)},
     * {@code col <> ?} becomes {@code col NOT IN (...)}, an {@code IN} list item becomes one item per version, and
     * literals take the form {@code literalText} gives them. Literals outside lookups are sent under the primary
     * version.
     *
     * @throws UnsupportedStatementException when a lookup that must be expanded could not be located in the text
     * @throws E what {@code literalText} throws
     */
    public <E extends Exception> Expansion expand(ToIntFunction<EncryptedColumn> versions, LiteralText<E> literalText)
            throws E, UnsupportedStatementException {
        int[] first = new int[parameterCount + 1];
        int[] width = new int[parameterCount + 1];
        Arrays.fill(width, 1);
        List<Edit> edits = new ArrayList<>();
        Set<Integer> literalsInLookups = new HashSet<>();
        for (LookupSlot lookup : lookups) {
            int count = versions.applyAsInt(lookup.column());
            if (count <= 1) {
                continue;
            }
            if (!lookup.expandable()) {
                throw new UnsupportedStatementException("a comparison on deterministic column "
                        + lookup.column().name() + " cannot be rewritten for its " + count
                        + " enabled key versions (rotation in progress):"
                        + " write it as column = ? or column IN (?, ...), or finish re-encryption and retire the"
                        + " old version");
            }
            if (lookup.parameter() > 0) {
                width[lookup.parameter()] = count;
            } else {
                literalsInLookups.add(lookup.literal().start());
            }
            edits.add(new Edit(lookup.start(), lookup.end(), lookup, null, count));
        }
        for (LiteralSlot literal : literals) {
            if (!literalsInLookups.contains(literal.start())) {
                edits.add(new Edit(literal.start(), literal.end(), null, literal, 1));
            }
        }
        edits.sort(Comparator.comparingInt(Edit::start));
        StringBuilder text = new StringBuilder(sql.length() + 16 * edits.size());
        int at = 0;
        for (Edit edit : edits) {
            text.append(sql, at, edit.start());
            if (edit.literal() != null) {
                text.append(literalText.text(edit.literal(), 0));
            } else {
                LookupSlot lookup = edit.lookup();
                if (lookup.form().nullSafe()) {
                    // (col IS NOT DISTINCT FROM ? OR col IS NOT DISTINCT FROM ?): a NULL value stays NULL-safe
                    String test = sql.substring(lookup.start(), lookup.operandEnd());
                    String joiner = lookup.form() == LookupSlot.Form.NULL_SAFE_EQUALS ? " OR " : " AND ";
                    text.append('(');
                    for (int version = 0; version < edit.count(); version++) {
                        text.append(version == 0 ? "" : joiner).append(test)
                                .append(lookup.literal() == null ? "?" : literalText.text(lookup.literal(), version));
                    }
                    text.append(')');
                    at = edit.end();
                    continue;
                }
                if (lookup.form() != LookupSlot.Form.LIST_ITEM) {
                    text.append(sql, lookup.operandStart(), lookup.operandEnd())
                            .append(lookup.form() == LookupSlot.Form.EQUALS ? " IN (" : " NOT IN (");
                }
                for (int version = 0; version < edit.count(); version++) {
                    text.append(version == 0 ? "" : ", ")
                            .append(lookup.literal() == null ? "?" : literalText.text(lookup.literal(), version));
                }
                text.append(lookup.form() == LookupSlot.Form.LIST_ITEM ? "" : ")");
            }
            at = edit.end();
        }
        text.append(sql, at, sql.length());
        int physical = 1;
        for (int index = 1; index <= parameterCount; index++) {
            first[index] = physical;
            physical += width[index];
        }
        return new Expansion(text.toString(), first, width, physical - 1);
    }

    private record Edit(int start, int end, LookupSlot lookup, LiteralSlot literal, int count) {
    }

    /**
     * A plan's text as sent while key domains rotate, with the physical {@code ?} positions of each of the
     * plan's parameters: parameter {@code i} of the plan is bound at {@code first(i) .. first(i) + width(i) - 1}.
     */
    public static final class Expansion {
        private final String sql;
        private final int[] first;
        private final int[] width;
        private final int parameterCount;

        Expansion(String sql, int[] first, int[] width, int parameterCount) {
            this.sql = sql;
            this.first = first;
            this.width = width;
            this.parameterCount = parameterCount;
        }

        /** The text to send. */
        public String sql() {
            return sql;
        }

        /** The physical index of the first (primary-version) copy of the plan's parameter {@code index}. */
        public int first(int index) {
            return first[index];
        }

        /** How many physical parameters the plan's parameter {@code index} became (1 unless it is a lookup). */
        public int width(int index) {
            return width[index];
        }

        /** The number of {@code ?} in the text to send. */
        public int parameterCount() {
            return parameterCount;
        }

        /** Counts only: the text may hold ciphertext literals, which are no one's business. */
        @Override
        public String toString() {
            return "Expansion[parameters=" + parameterCount + "]";
        }
    }

    /** Whether any result column must be decrypted. */
    public boolean hasEncryptedResults() {
        return hasEncryptedResults;
    }

    /**
     * The lower-case names (without schema) of the tables and views whose columns this statement may change: what
     * Cloak read from the catalog about them is stale once it runs.
     */
    public Set<String> changedTables() {
        return changedTables;
    }

    /**
     * The encrypted columns this statement declares ({@code CREATE TABLE}, {@code ALTER TABLE … ADD COLUMN}), in
     * text order; empty when none. Their keys can be made ready before it runs, while no lock of its is held.
     */
    public List<EncryptedColumn> declaredColumns() {
        return declaredColumns;
    }

    /**
     * The encrypted columns of the configured tables this DDL creates, alters, empties or drops, declared here or
     * not; empty for other statements. On PostgreSQL such a statement locks the table until its transaction ends,
     * so the keys of these columns are best made ready before it runs: a later statement of the same transaction
     * that writes one of them could not make its key past that lock.
     */
    public List<EncryptedColumn> lockedColumns() {
        return lockedColumns;
    }

    /** Whether running the statement defines, drops or renames views Cloak maps. */
    public boolean changesViews() {
        return !definedViews.isEmpty() || !droppedViews.isEmpty() || viewsStale;
    }

    /** Whether running this statement changes what Cloak knows of the schema (columns or views). */
    public boolean changesSchema() {
        return !changedTables.isEmpty() || !definedViews.isEmpty() || !droppedViews.isEmpty() || viewsStale;
    }

    List<KnownView> definedViews() {
        return definedViews;
    }

    Set<String> droppedViews() {
        return droppedViews;
    }

    boolean viewsStale() {
        return viewsStale;
    }

    boolean dependsOnCatalog() {
        return dependsOnCatalog;
    }

    /** Kind, encrypted slots and result columns; never the SQL text, which may hold literals. */
    @Override
    public String toString() {
        Map<Integer, String> slots = new TreeMap<>();
        for (int i = 1; i <= parameterCount; i++) {
            if (parameters[i] != null) {
                slots.put(i, parameters[i].name());
            }
        }
        StringJoiner results = new StringJoiner(", ", "[", "]");
        for (Projection projection : projections) {
            if (projection instanceof Projection.Column column) {
                results.add(column.column() == null ? "plain" : column.column().name());
            } else {
                results.add("*" + ((Projection.AllColumns) projection).encryptedByLowerCaseName().keySet());
            }
        }
        StringJoiner literalColumns = new StringJoiner(", ", "[", "]");
        literals.forEach(slot -> literalColumns.add(slot.column().name()));
        return "StatementPlan[kind=" + kind + ", parameters=" + parameterCount + ", encrypted=" + slots
                + ", literals=" + literalColumns + ", results=" + results + "]";
    }
}
