// shout.h: the vendor header that comes with shout.dll, an IModule made by CreateModule.
#ifndef SHOUT_H
#define SHOUT_H

class IModule {
public:
    virtual bool Initialize(void *config) = 0;
    virtual int ProcessData(const char *input, char *output) = 0;
    virtual void Cleanup() = 0;
};

#if defined(_WIN32)
#define SHOUT_API extern "C" __declspec(dllimport)
#else
#define SHOUT_API extern "C"
#endif

SHOUT_API IModule *CreateModule();
SHOUT_API void DestroyModule(IModule *module);

#endif
