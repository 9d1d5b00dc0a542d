package dev.cloak.driver.internal.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

/** A JDBC delegate for tests: records every call and answers with a default (or a stubbed) value. */
final class Recorder implements InvocationHandler {

    /** One recorded call. */
    record Call(String method, List<Object> args) {
    }

    final List<Call> calls = new ArrayList<>();
    private final BiFunction<Method, Object[], Object> answer;

    private Recorder(BiFunction<Method, Object[], Object> answer) {
        this.answer = answer;
    }

    static <T> T record(Class<T> iface, Recorder recorder) {
        return iface.cast(Proxy.newProxyInstance(Recorder.class.getClassLoader(), new Class<?>[] {iface}, recorder));
    }

    static Recorder answering(BiFunction<Method, Object[], Object> answer) {
        return new Recorder(answer);
    }

    static Recorder defaults() {
        return new Recorder((method, args) -> null);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> "recorder";
            };
        }
        calls.add(new Call(method.getName(), args == null ? List.of() : Arrays.asList(args)));
        Object value = answer.apply(method, args);
        return value != null ? value : defaultFor(method.getReturnType());
    }

    List<Call> callsStartingWith(String... prefixes) {
        return calls.stream().filter(call -> Arrays.stream(prefixes).anyMatch(call.method()::startsWith)).toList();
    }

    static Object defaultFor(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        if (type == short.class) {
            return (short) 0;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == float.class) {
            return 0f;
        }
        if (type == double.class) {
            return 0d;
        }
        return null;
    }
}
