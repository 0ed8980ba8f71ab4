/* test_demangle.c — demangle.c against c++filt -i's text for a sample of
 * real symbols (Debian's libstdc++, LLVM, abseil, apt, bcc) and the
 * shapes the cpp: probes meet; what it does not know is NULL. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "demangle.h"

static const struct { const char *sym, *text; } cases[] = {
	{ "_Z10ImStrnicmpPKcS0_m",
	  "ImStrnicmp(char const*, char const*, unsigned long)" },
	{ "_Z12BeforeColourB5cxx11",
	  "BeforeColour[abi:cxx11]" },
	{ "_ZGVZNK19AANoRecurseFunction15trackStatisticsEvE23NumIRFunction_norecurse",
	  "guard variable for AANoRecurseFunction::trackStatistics() const::NumIRFunction_norecurse" },
	{ "_ZGVZNK24AANoFreeCallSiteReturned15trackStatisticsEvE20NumIRCSReturn_nofree",
	  "guard variable for AANoFreeCallSiteReturned::trackStatistics() const::NumIRCSReturn_nofree" },
	{ "_ZGVZNK25AANoUndefCallSiteReturned15trackStatisticsEvE21NumIRCSReturn_noundef",
	  "guard variable for AANoUndefCallSiteReturned::trackStatistics() const::NumIRCSReturn_noundef" },
	{ "_ZN16pkgAcquireStatusC1Ev",
	  "pkgAcquireStatus::pkgAcquireStatus()" },
	{ "_ZN17pkgPackageManagerD1Ev",
	  "pkgPackageManager::~pkgPackageManager()" },
	{ "_ZN24aptAcquireWithTextStatusC1Ev",
	  "aptAcquireWithTextStatus::aptAcquireWithTextStatus()" },
	{ "_ZN3APT11CacheFilter10NOTMatcherC1EPNS0_7MatcherE",
	  "APT::CacheFilter::NOTMatcher::NOTMatcher(APT::CacheFilter::Matcher*)" },
	{ "_ZN3APT11CacheFilter9ORMatcherC1EPNS0_7MatcherES3_",
	  "APT::CacheFilter::ORMatcher::ORMatcher(APT::CacheFilter::Matcher*, APT::CacheFilter::Matcher*)" },
	{ "_ZN3APT12StateChangesD2Ev",
	  "APT::StateChanges::~StateChanges()" },
	{ "_ZN3APT8Progress19PackageManagerFancy4StopEv",
	  "APT::Progress::PackageManagerFancy::Stop()" },
	{ "_ZN4USDT5ProbeD1Ev",
	  "USDT::Probe::~Probe()" },
	{ "_ZN4USDT8ArgumentC1Ev",
	  "USDT::Argument::Argument()" },
	{ "_ZN4absl7debian312IsOutOfRangeERKNS0_6StatusE",
	  "absl::debian3::IsOutOfRange(absl::debian3::Status const&)" },
	{ "_ZN4absl7debian313cord_internal11CordzHandleD1Ev",
	  "absl::debian3::cord_internal::CordzHandle::~CordzHandle()" },
	{ "_ZN4absl7debian316strings_internal11BigUnsignedILi4EE12MultiplyStepEiPKjii",
	  "absl::debian3::strings_internal::BigUnsigned<4>::MultiplyStep(int, unsigned int const*, int, int)" },
	{ "_ZN4absl7debian316strings_internal11BigUnsignedILi84EE12FiveToTheNthEi",
	  "absl::debian3::strings_internal::BigUnsigned<84>::FiveToTheNth(int)" },
	{ "_ZN4absl7debian324synchronization_internal11GraphCyclesC1Ev",
	  "absl::debian3::synchronization_internal::GraphCycles::GraphCycles()" },
	{ "_ZN4ebpf12TableStorageC1Ev",
	  "ebpf::TableStorage::TableStorage()" },
	{ "_ZN4ebpf15BPFSockmapTableC1ERKNS_9TableDescE",
	  "ebpf::BPFSockmapTable::BPFSockmapTable(ebpf::TableDesc const&)" },
	{ "_ZN4ebpf17BPFPerfEventArray13close_all_cpuEv",
	  "ebpf::BPFPerfEventArray::close_all_cpu()" },
	{ "_ZN4ebpf17BPFPerfEventArrayC1ERKNS_9TableDescE",
	  "ebpf::BPFPerfEventArray::BPFPerfEventArray(ebpf::TableDesc const&)" },
	{ "_ZN4ebpf18SharedTableStorage5eraseERKNS_24TableStorageIteratorImplE",
	  "ebpf::SharedTableStorage::erase(ebpf::TableStorageIteratorImpl const&)" },
	{ "_ZN4llvm10BlockDataTINS_9EmptyDataEEC1ERKNS_10BasicBlockE",
	  "llvm::BlockDataT<llvm::EmptyData>::BlockDataT(llvm::BasicBlock const&)" },
	{ "_ZN4llvm10DISubrange7getImplERNS_11LLVMContextEPNS_8MetadataElNS3_11StorageTypeEb",
	  "llvm::DISubrange::getImpl(llvm::LLVMContext&, llvm::Metadata*, long, llvm::Metadata::StorageType, bool)" },
	{ "_ZN5MyApp6Server14handle_requestEi",
	  "MyApp::Server::handle_request(int)" },
	{ "_ZN5MyApp6Server14handle_requestERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE",
	  "MyApp::Server::handle_request(std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const&)" },
	{ "_ZN5MyApp5twiceIlEET_S1_",
	  "long MyApp::twice<long>(long)" },
	{ "_Z1fSs",
	  "f(std::string)" },
	{ "_ZNKSs4sizeEv",
	  "std::string::size() const" },
	{ "_ZNSsC1Ev",
	  "std::basic_string<char, std::char_traits<char>, std::allocator<char> >::basic_string()" },
	{ "_ZStlsISt11char_traitsIcEERSt13basic_ostreamIcT_ES5_PKc",
	  "std::basic_ostream<char, std::char_traits<char> >& std::operator<< <std::char_traits<char> >(std::basic_ostream<char, std::char_traits<char> >&, char const*)" },
	{ "_ZN9__gnu_cxx6__poolILb1EE13_M_initializeEPFvPvE",
	  "__gnu_cxx::__pool<true>::_M_initialize(void (*)(void*))" },
	{ "_ZNSt8ios_base7failureB5cxx11C1EPKcRKSt10error_code",
	  "std::ios_base::failure[abi:cxx11]::failure(char const*, std::error_code const&)" },
	{ "_ZTVSt9exception",
	  "vtable for std::exception" },
	{ "_ZTISt9exception",
	  "typeinfo for std::exception" },
	{ "_Z3foov.constprop.0",
	  "foo() [clone .constprop.0]" },
};

Test(demangle, agrees_with_cxxfilt)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *d = demangle(cases[i].sym, NULL, NULL);
		cr_expect(d && !strcmp(d, cases[i].text), "%s: %s, not %s",
			  cases[i].sym, d ? d : "NULL", cases[i].text);
		free(d);
	}
}

Test(demangle, parameters_and_name_offsets)
{
	size_t pa, na;
	char *d = demangle("_ZN5MyApp5twiceIlEET_S1_", &pa, &na);
	cr_assert(d);
	cr_expect_str_eq(d + na, "MyApp::twice<long>(long)");
	cr_expect_eq(pa, strlen("long MyApp::twice<long>"));
	free(d);
	d = demangle("_ZTVSt9exception", &pa, &na);
	cr_assert(d);
	cr_expect_eq(pa, strlen(d)); /* no parameters */
	free(d);
}

Test(demangle, what_it_cannot_read_is_null)
{
	const char *bad[] = { "main", "", "_Z", "_ZN3Foo",
			      "_Z999x", "_ZNS9_3fooEv", "_Z1fT_",
			      "_ZN10tinyformat6formatIJiEEEvDpRKT_",
			      "_Z1fIXadL_Z1gvEEEvv" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *d = demangle(bad[i], NULL, NULL);
		cr_expect(!d, "%s gave %s", bad[i], d ? d : "");
		free(d);
	}
	cr_expect_null(demangle(NULL, NULL, NULL));
}
