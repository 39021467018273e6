package org.amfkeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.catalog.Arguments;
import org.amfkeys.catalog.Derivation;
import org.amfkeys.catalog.Parameter;
import org.amfkeys.catalog.TextArguments;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The parameters of one JSON request: byte strings as hex strings, integers as JSON numbers, text as
 * JSON strings, lists as arrays. Members are checked against the derivation's parameters and their
 * kinds when the request is read.
 */
final class JsonArguments implements Arguments
{
    private final Map<String, JsonNode> values = new LinkedHashMap<>();

    /**
     * @param derivation the name of the derivation the request names.
     * @param parameters its parameters.
     * @param request    the request object.
     * @param skip       the member naming the derivation, not a parameter.
     */
    JsonArguments(final String derivation, final List<Parameter> parameters, final JsonNode request, final String skip)
    {
        for (final Map.Entry<String, JsonNode> member : request.properties())
        {
            if (member.getKey().equals(skip))
            {
                continue;
            }
            final Parameter parameter = parameters.stream()
                .filter(p -> p.jsonName().equals(member.getKey()))
                .findFirst()
                .orElseThrow(() -> Derivation.unknownParameter(member.getKey(), derivation,
                    parameters.stream().map(Parameter::jsonName).collect(Collectors.joining(", "))));
            checkKind(parameter, member.getValue());
            values.put(parameter.name(), member.getValue());
        }
    }

    public Set<String> names()
    {
        return Collections.unmodifiableSet(values.keySet());
    }

    public boolean has(final String name)
    {
        return values.containsKey(name);
    }

    public byte[] octets(final String name)
    {
        return TextArguments.decodeHex(name, required(name).asText());
    }

    public long integer(final String name)
    {
        return required(name).asLong();
    }

    public String text(final String name)
    {
        return required(name).asText();
    }

    public List<byte[]> octetsList(final String name)
    {
        final List<byte[]> list = new ArrayList<>();
        final JsonNode array = values.get(name);
        if (array != null)
        {
            array.forEach(item -> list.add(TextArguments.decodeHex(name, item.asText())));
        }
        return list;
    }

    private JsonNode required(final String name)
    {
        final JsonNode value = values.get(name);
        if (value == null)
        {
            throw InvalidParameterException.missing(name, "a value");
        }
        return value;
    }

    private static void checkKind(final Parameter parameter, final JsonNode value)
    {
        final String name = parameter.jsonName();
        switch (parameter.kind())
        {
            case OCTETS ->
            {
                if (!value.isTextual())
                {
                    throw new InvalidParameterException(name, "not a string", "a string of hexadecimal octets");
                }
            }
            case TEXT, CHOICE ->
            {
                if (!value.isTextual())
                {
                    throw new InvalidParameterException(name, "not a string", parameter.help());
                }
            }
            case INTEGER ->
            {
                if (!value.isIntegralNumber() || !value.canConvertToLong())
                {
                    throw new InvalidParameterException(name, "not an integer JSON number",
                        parameter.min() + ".." + parameter.max());
                }
            }
            case OCTETS_LIST ->
            {
                boolean strings = value.isArray();
                for (final JsonNode item : value)
                {
                    strings &= item.isTextual();
                }
                if (!strings)
                {
                    throw new InvalidParameterException(name, "not an array of strings", "an array of hexadecimal strings");
                }
            }
            default -> throw new IllegalStateException(parameter.kind().toString());
        }
    }
}
