package dev.sentryagent.idp.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture of docs/architecture.md, checked on the main classes of every module (this
 * module's test classpath sees them all): the public/internal line, no cycles, and each module's
 * dependencies.
 */
class ArchitectureTest {
    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.sentryagent.idp");
    }

    @Test
    void noPublicSignatureNamesAnInternalType() {
        ArchRule rule = classes().that().resideOutsideOfPackage("..internal..")
                .should(exposeNoInternalType());
        rule.check(main);
    }

    @Test
    void modulesAreFreeOfCycles() {
        slices().matching("dev.sentryagent.idp.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void noClassCycleSpansTwoPackages() {
        List<Set<String>> cycles = crossPackageCycles(main);
        if (!cycles.isEmpty()) {
            throw new AssertionError("classes in different packages depend on each other in a cycle: " + cycles);
        }
    }

    @Test
    void coreDependsOnlyOnJose4jSlf4jAndTheJdk() {
        classes().that().resideInAPackage("dev.sentryagent.idp.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.sentryagent.idp.core..", "java..",
                        "org.jose4j..", "org.slf4j..")
                .check(main);
    }

    @Test
    void pluginDoesNotUseTheJdbcStackOutsideTheStandaloneServer() {
        noClasses().that().resideInAPackage("dev.sentryagent.idp.javalin..")
                .and().doNotHaveSimpleName("IdpServer").and().doNotHaveSimpleName("ServerConfig")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sentryagent.idp.jdbc..", "org.jdbi..",
                        "com.zaxxer..", "org.flywaydb..", "org.h2..", "org.postgresql..")
                .check(main);
    }

    @Test
    void storesDoNotDependOnTheHttpLayer() {
        noClasses().that().resideInAPackage("dev.sentryagent.idp.jdbc..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sentryagent.idp.javalin..", "io.javalin..")
                .check(main);
    }

    /** A public type's public or protected members, supertypes and type parameters name no internal type. */
    static ArchCondition<JavaClass> exposeNoInternalType() {
        return new ArchCondition<>("expose no type of an internal package in a public signature") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                if (!isPublicApi(type)) {
                    return;
                }
                List<String> found = new ArrayList<>();
                type.getRawSuperclass().ifPresent(s -> report(found, type.getName() + " extends", s.toErasure()));
                type.getRawInterfaces().forEach(i -> report(found, type.getName() + " implements", i));
                for (JavaCodeUnit unit : type.getCodeUnits()) {
                    if (isExposed(unit.getModifiers()) && !unit.getName().startsWith("lambda$")) {
                        involved(found, unit.getFullName(), unit.getReturnType());
                        unit.getParameterTypes().forEach(p -> involved(found, unit.getFullName(), p));
                        unit.getThrowsClause().getTypes().forEach(t -> report(found, unit.getFullName(), t));
                    }
                }
                for (JavaField field : type.getFields()) {
                    if (isExposed(field.getModifiers())) {
                        involved(found, field.getFullName(), field.getType());
                    }
                }
                for (String f : found) {
                    events.add(SimpleConditionEvent.violated(type, f));
                }
            }
        };
    }

    static boolean isPublicApi(JavaClass type) {
        for (JavaClass c = type; c != null; c = c.getEnclosingClass().orElse(null)) {
            if (!c.getModifiers().contains(JavaModifier.PUBLIC) || c.getPackageName().contains(".internal")) {
                return false;
            }
        }
        return !type.isAnonymousClass() && !type.isLocalClass();
    }

    static boolean isExposed(Set<JavaModifier> modifiers) {
        return (modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED))
                && !modifiers.contains(JavaModifier.SYNTHETIC);
    }

    static void involved(List<String> found, String where, JavaType type) {
        type.getAllInvolvedRawTypes().forEach(t -> report(found, where, t));
    }

    static void report(List<String> found, String where, JavaClass type) {
        if (type.getPackageName().startsWith("dev.sentryagent.idp") && type.getPackageName().contains(".internal")) {
            found.add(where + " names internal type " + type.getName());
        }
    }

    /**
     * The strongly connected components of the class dependency graph (Tarjan) whose classes lie
     * in more than one package: a cycle between packages, through however many classes.
     */
    static List<Set<String>> crossPackageCycles(JavaClasses classes) {
        Map<String, Set<String>> edges = new HashMap<>();
        for (JavaClass c : classes) {
            Set<String> targets = new HashSet<>();
            c.getDirectDependenciesFromSelf().forEach(d -> {
                JavaClass target = d.getTargetClass().getBaseComponentType();
                if (classes.contain(target.getName()) && !target.getName().equals(c.getName())) {
                    targets.add(target.getName());
                }
            });
            edges.put(c.getName(), targets);
        }
        return new Tarjan(edges).components().stream()
                .filter(component -> component.stream().map(ArchitectureTest::packageOf).distinct().count() > 1)
                .toList();
    }

    static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    /** Tarjan's strongly connected components, iterative so deep graphs cannot overflow the stack. */
    static final class Tarjan {
        private final Map<String, Set<String>> edges;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new HashSet<>();
        private final List<Set<String>> components = new ArrayList<>();
        private int next;

        Tarjan(Map<String, Set<String>> edges) {
            this.edges = edges;
        }

        List<Set<String>> components() {
            for (String v : new TreeSet<>(edges.keySet())) {
                if (!index.containsKey(v)) {
                    visit(v);
                }
            }
            return components;
        }

        private void visit(String root) {
            Deque<Object[]> work = new ArrayDeque<>();
            enter(root);
            work.push(new Object[] {root, new ArrayList<>(edges.getOrDefault(root, Set.of())).iterator()});
            while (!work.isEmpty()) {
                Object[] frame = work.peek();
                String v = (String) frame[0];
                @SuppressWarnings("unchecked")
                java.util.Iterator<String> it = (java.util.Iterator<String>) frame[1];
                if (it.hasNext()) {
                    String w = it.next();
                    if (!index.containsKey(w)) {
                        enter(w);
                        work.push(new Object[] {w, new ArrayList<>(edges.getOrDefault(w, Set.of())).iterator()});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                    continue;
                }
                work.pop();
                if (!work.isEmpty()) {
                    String parent = (String) work.peek()[0];
                    low.put(parent, Math.min(low.get(parent), low.get(v)));
                }
                if (low.get(v).equals(index.get(v))) {
                    Set<String> component = new LinkedHashSet<>();
                    String w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        component.add(w);
                    } while (!w.equals(v));
                    if (component.size() > 1) {
                        components.add(component);
                    }
                }
            }
        }

        private void enter(String v) {
            index.put(v, next);
            low.put(v, next);
            next++;
            stack.push(v);
            onStack.add(v);
        }
    }

}
