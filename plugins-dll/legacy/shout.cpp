// shout: a legacy C++ module of the shape docs/legacy-dlls.md starts from, an IModule made by a
// factory. ProcessData writes the configured prefix, then the input upper-cased (ASCII), into a
// buffer whose size it is never told: an input longer than the host's buffer overruns it.
// Built with g++ (.so) and MinGW g++ (.dll); its Wasm port is shout-port.c.
#include <cstdio>
#include <cstring>

#if defined(_WIN32)
#define LEGACY_EXPORT extern "C" __declspec(dllexport)
#else
#define LEGACY_EXPORT extern "C" __attribute__((visibility("default")))
#endif

class IModule {
public:
    virtual bool Initialize(void *config) = 0;
    virtual int ProcessData(const char *input, char *output) = 0;
    virtual void Cleanup() = 0;
};

// The same three virtuals after a virtual destructor: two vtable slots more under the Itanium
// ABI (g++, MinGW), one more under MSVC.
class IModuleWithDestructor {
public:
    virtual ~IModuleWithDestructor() {}
    virtual bool Initialize(void *config) = 0;
    virtual int ProcessData(const char *input, char *output) = 0;
    virtual void Cleanup() = 0;
};

static int live_objects = 0;

template <class Base> class Shouter final : public Base {
    char prefix_[64] = {0};
    bool ready_ = false;
    bool count_only_;

public:
    explicit Shouter(bool count_only = false) : count_only_(count_only) { ++live_objects; }
    ~Shouter() { --live_objects; }

    bool Initialize(void *config) override
    {
        const char *text = static_cast<const char *>(config);
        if (std::strlen(text) >= sizeof prefix_)
            return false;
        std::strcpy(prefix_, text);
        ready_ = true;
        return true;
    }

    // 0 and a NUL-terminated output; -7 for the input "fail"; the number of live objects for
    // "?live". The length variant returns the
    // number of bytes written and writes no NUL.
    int ProcessData(const char *input, char *output) override
    {
        if (!ready_)
            return -1;
        if (std::strcmp(input, "fail") == 0)
            return -7;
        if (std::strcmp(input, "?live") == 0) // how many objects exist: the tests check deletes
            return std::sprintf(output, "%s%d", prefix_, live_objects) < 0 ? -1 : 0;
        std::size_t prefix = std::strlen(prefix_);
        std::memcpy(output, prefix_, prefix);
        char *out = output + prefix;
        for (; *input != 0; ++input, ++out) {
            unsigned char c = static_cast<unsigned char>(*input);
            *out = static_cast<char>(c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
        }
#if defined(SHOUT_EXCLAIM)
        *out++ = '!';
#endif
        if (count_only_)
            return static_cast<int>(out - output);
        *out = 0;
        return 0;
    }

    void Cleanup() override { ready_ = false; }
};

LEGACY_EXPORT IModule *CreateModule() { return new Shouter<IModule>(); }

LEGACY_EXPORT void DestroyModule(IModule *module) { delete static_cast<Shouter<IModule> *>(module); }

LEGACY_EXPORT IModule *CreateLengthModule() { return new Shouter<IModule>(true); }

LEGACY_EXPORT IModuleWithDestructor *CreateModuleWithDestructor()
{
    return new Shouter<IModuleWithDestructor>();
}

LEGACY_EXPORT IModule *CreateNothing() { return nullptr; }
